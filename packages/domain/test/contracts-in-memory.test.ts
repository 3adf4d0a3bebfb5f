import {
  createInMemoryStore,
  FakePasswordHasher,
  outboxContract,
  passwordHasherContract,
  userRepositoryContract,
} from '../src/testing/index.js';

userRepositoryContract('in-memory', () => Promise.resolve(createInMemoryStore()));
outboxContract('in-memory', () => Promise.resolve(createInMemoryStore()));
passwordHasherContract('fake', () => Promise.resolve(new FakePasswordHasher()));
