/**
 * Everything the bench starts registers its undo here; it runs last-in
 * first-out on normal exit, on errors and on Ctrl-C.
 */
const tasks = [];

export function onCleanup(name, fn) {
  const task = { name, fn };
  tasks.push(task);
  return () => {
    const i = tasks.indexOf(task);
    if (i >= 0) tasks.splice(i, 1);
  };
}

export async function runCleanup() {
  while (tasks.length > 0) {
    const task = tasks.pop();
    let timer;
    try {
      await Promise.race([
        task.fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out after 20 s')), 20_000);
        }),
      ]);
    } catch (error) {
      console.error(`bench: cleanup "${task.name}" failed: ${error.message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

let interrupted = false;

/** True once a signal asked the bench to stop: the run's results no longer count. */
export const isInterrupted = () => interrupted;

export function installSignalHandlers() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\nbench: ${signal}, stopping everything it started...`);
      void runCleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
