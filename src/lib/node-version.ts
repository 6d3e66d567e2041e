/** Fail fast, with a clear message, when a script runs on Node older than 22. */
export function assertNodeVersion(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(
      `This project needs Node 22 or newer (running ${process.versions.node}). ` +
        'Use the npm scripts (npm start, npm test, npx notify), which run the Node 22 installed in node_modules.\n',
    );
    process.exit(1);
  }
}
