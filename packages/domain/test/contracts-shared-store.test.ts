import {
  createInMemoryStore,
  outboxContract,
  userRepositoryContract,
} from '../src/testing/index.js';

// The suites promise they can share one store (as one test database would be
// shared): run the Outbox suite first, whose messages are dated 2040 and later,
// then the UserRepository suite over the same store.
const shared = createInMemoryStore();
outboxContract('in-memory, shared store', () => Promise.resolve(shared));
userRepositoryContract('in-memory, shared store', () => Promise.resolve(shared));
