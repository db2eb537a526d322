/** Fails when a vitest JSON report holds a failed, skipped, pending or todo test (e.g. skipped for a missing service). */
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const report = JSON.parse(readFileSync(file, 'utf8')) as {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
};
const bad = report.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed').map((a) => `${a.status}: ${f.name} › ${a.fullName}`));
console.log(`${file}: ${report.numPassedTests}/${report.numTotalTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped, ${report.numTodoTests} todo`);
if (bad.length > 0 || report.numTotalTests === 0 || report.numPassedTests !== report.numTotalTests) {
  for (const b of bad) console.log('  ' + b);
  process.exit(1);
}
