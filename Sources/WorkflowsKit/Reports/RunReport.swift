import Foundation

/// What one run of `workflows` did, as `report.json` records it for people and programs after the run
/// (CI artefacts, dashboards, a bug report). `ReportWriter` writes it beside `junit.xml`.
///
/// The schema is versioned by `schema`. Within a version, fields are only added, never renamed, retyped
/// or removed, so a reader of version 1 reads any later document of version 1 by ignoring the keys it
/// does not know; anything else raises the version. Keys are the property names (camelCase), sorted;
/// optional fields are absent when there is nothing to say. Times are RFC 3339 in UTC with milliseconds
/// (`2026-05-01T09:30:12.345Z`), durations are seconds. Paths in findings and tests are relative to
/// the repository root, as CI annotations want them.
struct RunReport: Codable, Sendable, Equatable {
    /// The version this code writes.
    static let currentSchema = 1

    /// How the run as a whole ended.
    enum Outcome: String, Codable, Sendable, Equatable {
        /// Every step that ran passed.
        case passed
        /// A step failed; the steps after it were skipped.
        case failed
        /// SIGINT or SIGTERM stopped the run (`interruptedBy` says which).
        case interrupted
    }

    /// The schema's version: 1.
    var schema = RunReport.currentSchema
    /// The program and its version: `workflows 0.2.0`.
    var tool = "workflows \(Workflows.version)"
    /// The run's ID: the `workflows.run` label on everything the run made in the engine.
    var runID: String
    /// The arguments the program was given, without the program's own name.
    var commandLine: [String]
    /// The checkout the run worked on; absent outside a git repository.
    var git: GitState?
    /// When the run started (RFC 3339).
    var startedAt: String
    var durationSeconds: Double
    var outcome: Outcome
    /// `SIGINT` or `SIGTERM` when `outcome` is `interrupted`.
    var interruptedBy: String?
    /// Every requested step, in order, including the skipped ones.
    var steps: [StepReport]

    /// RFC 3339 in UTC with milliseconds: the form of every `startedAt`.
    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    /// The outcome the steps' verdicts imply, unless a signal stopped the run.
    static func outcome(of steps: [StepReport], interruptedBy signal: String?) -> Outcome {
        if signal != nil || steps.contains(where: { $0.verdict == .interrupted }) { return .interrupted }
        return steps.contains(where: { $0.verdict == .failed }) ? .failed : .passed
    }
}

/// The commit the run worked on.
struct GitState: Codable, Sendable, Equatable {
    enum Tree: String, Codable, Sendable, Equatable {
        case clean
        /// Uncommitted or untracked files: the image may hold code the commit does not.
        case dirty
        /// `git status` failed: nothing built from it is publishable.
        case unknown
    }

    var commit: String
    /// `HEAD` when detached.
    var branch: String
    var tree: Tree

    init(commit: String, branch: String, tree: Tree) {
        self.commit = commit
        self.branch = branch
        self.tree = tree
    }

    init(_ facts: Git.Facts) {
        self.init(commit: facts.commit, branch: facts.branch, tree: Self.tree(facts.tree))
    }

    private static func tree(_ tree: Git.Tree) -> Tree {
        switch tree {
        case .clean: return .clean
        case .dirty: return .dirty
        case .unknown: return .unknown
        }
    }
}

/// One requested step.
struct StepReport: Codable, Sendable, Equatable {
    /// A step's or a gate's verdict.
    enum Verdict: String, Codable, Sendable, Equatable {
        case passed
        case failed
        /// Not run: an earlier step failed.
        case skipped
        /// Stopped by a signal while it ran.
        case interrupted
    }

    /// The step's name as the command line spells it: `assess_image_code`.
    var name: String
    var verdict: Verdict
    /// When it started (RFC 3339); the run's start for a skipped step.
    var startedAt: String
    /// 0 for a skipped step.
    var durationSeconds: Double
    /// The image the step built or assessed.
    var imageID: String?
    /// Why it failed: the error, and what to do about it, as printed.
    var message: String?
    /// The gates' results, for the steps that run gates (on the host or in the image).
    var gates: [GateReport]?
    /// For `assess_image_health`.
    var health: HealthReport?
    /// For `publish_image`.
    var publish: PublishReport?
    /// The services the step's containers used (`[tool.workflows.services]`).
    var services: [ServiceReport]?
}

/// One quality gate's run.
struct GateReport: Codable, Sendable, Equatable {
    /// How many of each: findings from a linter's output, test cases from pytest's JUnit XML.
    struct Counts: Codable, Sendable, Equatable {
        var findings: Int
        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int

        init(findings: Int = 0, tests: Int = 0, failures: Int = 0, errors: Int = 0, skipped: Int = 0) {
            self.findings = findings
            self.tests = tests
            self.failures = failures
            self.errors = errors
            self.skipped = skipped
        }

        init(findings: [Finding], tests: [TestCaseReport]?) {
            let cases = tests ?? []
            self.init(
                findings: findings.count, tests: cases.count,
                failures: cases.filter { $0.outcome == .failed }.count,
                errors: cases.filter { $0.outcome == .error }.count,
                skipped: cases.filter { $0.outcome == .skipped }.count)
        }
    }

    /// The gate's name: `black`, `ruff-format`, `pytest`.
    var name: String
    /// The tool's exit status decides: `passed` or `failed`.
    var verdict: StepReport.Verdict
    var durationSeconds: Double
    /// What ran, as it ran (for the image gates, the whole `docker exec` or `docker run`).
    var command: [String]
    /// Standard output and error together; at most `ReportText.outputLimit` bytes (the middle is cut).
    var output: String
    /// What the linter found, from its whole output; none for pytest (its failures are in `tests`).
    var findings: [Finding]
    /// pytest's test cases, from its JUnit XML; absent for the linters, or when pytest wrote none.
    var tests: [TestCaseReport]?
    var counts: Counts
    /// What pytest-cov measured, when the project uses it.
    var coverage: CoverageReport? = nil
    /// The tool's version the project pins (`26.10.1`); absent when nothing pins it.
    var toolVersion: String? = nil
    /// hadolint's `failure-threshold`, when it set one: findings below it did not fail the gate.
    var failureThreshold: String? = nil
    /// The Cobertura XML with repository paths, for the report folder's `coverage.xml`; not in report.json.
    var coverageXML: String? = nil

    enum CodingKeys: String, CodingKey {
        case name, verdict, durationSeconds, command, output, findings, tests, counts, coverage, toolVersion, failureThreshold
    }

    /// Whether the finding failed the gate: every finding of a gate that did not pass, except those below
    /// a grading tool's failure threshold (hadolint's `info` under `failure-threshold: warning`).
    func fails(_ finding: Finding) -> Bool {
        guard verdict != .passed else { return false }
        guard let level = finding.level else { return true }
        return Hadolint.fails(level: level, threshold: failureThreshold)
    }

    /// Why a gate that failed has nothing else to flag it, when it has not: no finding that failed it and
    /// no failed test (its tool stopped on an error of its own, or found only what is below its failure
    /// threshold: hadolint on a configuration it cannot read). Nil when the gate did not fail or something
    /// else says why.
    func unexplainedFailure(in step: String) -> String? {
        guard verdict == .failed, !findings.contains(where: fails),
            !(tests ?? []).contains(where: { $0.outcome == .failed || $0.outcome == .error })
        else { return nil }
        let found = findings.isEmpty ? "with no finding workflows recognises"
            : "though none of its findings is at its failure threshold (\(failureThreshold ?? "info"))"
        return "\(name) failed in \(step), \(found): its output is in the log and in report.json."
    }
}

/// One linter finding.
struct Finding: Codable, Sendable, Equatable {
    /// Relative to the repository root, unless the tool named a file outside the image's working directory.
    var file: String
    var line: Int?
    var column: Int?
    /// The rule: `F401`, `E501`, `arg-type`, `invalid-syntax`, `DL3008`; absent for the formatters.
    var code: String?
    var message: String
    /// The tool's own level, for a tool that grades its findings (hadolint: `error`, `warning`, `info`,
    /// `style`); absent for the others, whose every finding fails the gate.
    var level: String? = nil
}

/// One pytest test case.
struct TestCaseReport: Codable, Sendable, Equatable {
    enum Outcome: String, Codable, Sendable, Equatable {
        case passed
        case failed
        /// An error outside the test's body: a fixture, or the module's collection.
        case error
        case skipped
    }

    /// The test's module (and class), dotted: `tests.test_api.TestGreeting`.
    var classname: String
    /// The test's function: `test_greets`, `test_sums[1-2]`.
    var name: String
    /// The test file, relative to the repository root, when the failure's traceback names it.
    var file: String?
    /// The traceback's last line in the test file.
    var line: Int?
    var durationSeconds: Double
    var outcome: Outcome
    /// pytest's one-line summary of the failure, error or skip.
    var message: String?
    /// The failure's whole text: source lines and traceback.
    var text: String?
}

/// What `assess_image_health` saw.
struct HealthReport: Codable, Sendable, Equatable {
    /// One health probe's result, as the engine keeps it.
    struct Probe: Codable, Sendable, Equatable {
        var exitCode: Int
        var output: String
    }

    /// How long the container took to become healthy; absent when it never did.
    var secondsToHealthy: Double?
    /// The last state seen: `healthy`, `unhealthy`, `starting`, `alive` (no probe: it stayed up for 5 s), or how
    /// the container ended.
    var status: String
    /// The engine's last probes, oldest first.
    var lastProbes: [Probe]
}

/// A service a step's containers used, and how long it took from `docker run` to healthy.
struct ServiceReport: Codable, Sendable, Equatable {
    var name: String
    /// `image postgres:16` or `build FOLDER`.
    var image: String
    /// How it was judged healthy: `its health command`, `its image's HEALTHCHECK`, `TCP on its port 5432`, ...
    var probe: String
    var secondsToHealthy: Double?
    var status: String
    /// One instance for the gates and the health container.
    var shared: Bool
}

/// What `publish_image` pushed.
struct PublishReport: Codable, Sendable, Equatable {
    struct PushedReference: Codable, Sendable, Equatable {
        /// `registry/repository:tag`.
        var reference: String
        /// The manifest's digest, `sha256:…`, when the push said it.
        var digest: String?
    }

    var references: [PushedReference]
}
