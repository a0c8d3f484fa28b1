import Foundation

extension GateReport {
    /// A gate's report from what the step has after running it: the verdict, the command, the whole
    /// output and, for pytest, the JUnit XML it wrote (`PytestJUnit.arguments(writingTo:)`) and the coverage
    /// XML (`PytestCoverage`), whose paths become the repository's. Findings
    /// are read from the whole output before it is capped, so the counts are whole too. JUnit XML that
    /// does not parse leaves `tests` absent (the verdict still stands; the output says what happened).
    init(
        gate: Gate, verdict: StepReport.Verdict, durationSeconds: Double, command: [String], output: String,
        pytestJUnit: Data? = nil, coverageXML: Data? = nil, repositoryRoot: URL? = nil, sourceRoot: String,
        workingDirectory: String? = nil
    ) {
        let findings = FindingParsers.findings(
            for: gate, output: output, sourceRoot: sourceRoot, workingDirectory: workingDirectory)
        let tests = gate == .django
            ? DjangoTestOutput.testCases(from: output, sourceRoot: sourceRoot, workingDirectory: workingDirectory)
            : pytestJUnit.flatMap { xml in
                try? PytestJUnit.testCases(from: xml, sourceRoot: sourceRoot, workingDirectory: workingDirectory)
            }
        self.init(
            name: gate.name, verdict: verdict, durationSeconds: durationSeconds, command: command,
            output: ReportText.capped(output), findings: findings, tests: tests,
            counts: Counts(findings: findings, tests: tests))
        if let coverageXML, let root = repositoryRoot {
            let xml = Cobertura.rewrite(
                String(decoding: coverageXML, as: UTF8.self),
                paths: RepositoryPaths(sourceRoot: sourceRoot, workingDirectory: workingDirectory),
                repositoryRoot: root.path
            ) { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
            coverage = Cobertura.summary(xml)
            if coverage != nil { self.coverageXML = xml }
        }
    }
}
