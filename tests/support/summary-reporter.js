// Ends every run with one line CI reads: "N passed, N failed". A suite that crashed before its tests ran
// (a syntax error, a failing beforeAll) counts as one failure so it can never pass silently. Printed at
// process exit so it comes after Jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const crashed = results.testResults.filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0)).length;
    const failed = results.numFailedTests + crashed;
    const lines = [];
    if (results.numPendingTests > 0) lines.push(`${results.numPendingTests} skipped`);
    lines.push(`${results.numPassedTests} passed, ${failed} failed`);
    process.once('exit', () => process.stdout.write(`${lines.join('\n')}\n`));
  }
}
module.exports = SummaryReporter;
