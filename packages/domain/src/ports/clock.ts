/** Where the domain gets the time. Inject a fake one in tests; never sleep. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
