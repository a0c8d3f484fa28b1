import Foundation
import Testing

@testable import WorkflowsKit

/// Whole invocations against the fake engine: what is recorded as passed, and what is refused up front.
@Suite struct PipelineRunTests {
    /// The embedded app's shape, with a Dockerfile whose image has a user and a HEALTHCHECK.
    func repository() throws -> URL { try NumbersAPIShape.make(["Dockerfile": Self.dockerfile]) }
    static let dockerfile = "FROM python:3.11-slim\nUSER thenumbers\nHEALTHCHECK CMD python -c probe\n"

    func git() throws -> FakeGit {
        let git = FakeGit()
        git.gitDirectory = try TemporaryFolder.make()
        return git
    }

    @Test func qualityPipelineThenPublishInOneCallPushesWhatPassed() async throws {
        let engine = FakeEngine()
        let (status, console) = try await runWorkflows(
            ["quality_pipeline", "publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            engine: engine, git: try git(), root: try repository())
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("Recorded: numbers-api:latest"))
        let built = try #require(engine.image("numbers-api:latest")).config.id
        #expect(built != FakeEngine.imageID)
        #expect(engine.registry("127.0.0.1:5000")?.pushed["127.0.0.1:5000/o/app:latest"] == FakeEngine.digest(of: built),
                "the image that was built and passed")
        #expect(engine.containerNames.isEmpty, "every container of the run is gone")
        #expect(engine.imageTags.allSatisfy { !$0.hasPrefix("workflows-") }, "\(engine.imageTags)")
    }

    @Test func aDirtyTreeIsBuiltAndAssessedButNeverPublishable() async throws {
        let engine = FakeEngine()
        let git = try git()
        git.dirty = true
        let (status, console) = try await runWorkflows(
            ["quality_pipeline", "publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            engine: engine, git: git, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("uncommitted changes"))
        #expect(console.stderr.contains("Refusing to publish"))
        #expect(engine.image("numbers-api:latest")?.config.labels[EngineLabels.tree] == "dirty")
        #expect(engine.pushes.isEmpty)
    }

    @Test func anAssessmentOfAnotherImageIDIsNoPass() {
        let built = "sha256:1"
        #expect(PassRecord.passedImage([
            ("build_ci_image", built), ("assess_image_code", built), ("assess_image_health", built),
        ]) == built)
        #expect(PassRecord.passedImage([
            ("build_ci_image", built), ("assess_image_code", "sha256:2"), ("assess_image_health", built),
        ]) == nil)
        #expect(PassRecord.passedImage([("build_ci_image", built), ("assess_image_code", built)]) == nil)
    }

    @Test func aMissingPublishRepositoryStopsTheRunBeforeAnythingRuns() async throws {
        let engine = FakeEngine()
        let git = try git()
        git.origin = nil
        let (status, console) = try await runWorkflows(
            ["quality_pipeline", "publish_image"], engine: engine, git: git, root: try repository())
        #expect(status == 64, "\(console.all)")
        #expect(console.stderr.contains("--publish-repository"))
        #expect(engine.changes.isEmpty)
    }

    @Test(arguments: [["WORKFLOWS_REGISTRY_USER": "bot"], ["WORKFLOWS_REGISTRY_PASSWORD": "pw"]])
    func halfAPairOfCredentialsIsAUsageError(environment: [String: String]) async throws {
        let engine = FakeEngine()
        let git = try git()
        let (status, console) = try await runWorkflows(["publish_image"], environment: environment, engine: engine, git: git)
        #expect(status == 64)
        #expect(console.stderr.contains("go together"))
        #expect(engine.changes.isEmpty && git.runner.commands.isEmpty)
    }

    @Test(arguments: ["--dry-run", "--allow-unverified-image"])
    func publishFlagsWithoutPublishImageAreUsageErrors(flag: String) async throws {
        let engine = FakeEngine()
        let git = try git()
        let (status, console) = try await runWorkflows(["quality_pipeline", flag], engine: engine, git: git)
        #expect(status == 64)
        #expect(console.stderr.contains("is for publish_image"))
        #expect(engine.changes.isEmpty && git.runner.commands.isEmpty)
    }

    @Test func ofSeveralTagsAtHeadTheReleaseWins() async throws {
        let engine = FakeEngine()
        let git = try git()
        git.exactTag = "v1.2.3-rc.2\nv1.2.3"
        let (status, console) = try await runWorkflows(
            ["publish_image", "--dry-run", "--allow-unverified-image", "--publish-repository", "127.0.0.1:5000/o/app"],
            engine: engine, git: git)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("==>> docker push 127.0.0.1:5000/o/app:1.2.3\n"))
        #expect(console.stdout.contains("==>> docker push 127.0.0.1:5000/o/app:latest"))
        #expect(engine.changes.isEmpty, "a dry run changes nothing")
    }

    @Test func aHotfixOfAnOlderLineMovesOnlyItsOwnTags() throws {
        let plan = try TagRules.plan(
            branch: nil, tag: "v1.2.4", latestBranches: ["main"], knownTags: ["v1.2.3", "v1.2.4", "v1.3.0", "v2.0.0"])
        #expect(plan.tags == ["v1.2.4", "1.2.4", "1.2"])
        let newestOfOne = try TagRules.plan(
            branch: nil, tag: "v1.3.1", latestBranches: ["main"], knownTags: ["v1.3.0", "v1.3.1", "v2.0.0"])
        #expect(newestOfOne.tags == ["v1.3.1", "1.3.1", "1.3", "1"])
    }
}

extension PipelineRunTests {
    /// Outside a Python project (no project file, no configured tool), there are no gate steps at all.
    @Test func gateStepsOutsideAProjectAreUsageErrors() async throws {
        let runner = RecordingRunner()
        let (status, console) = try await runWorkflows(["assess_black"], runner: runner, root: try TemporaryFolder.make())
        #expect(status == 64)
        #expect(console.stderr.contains("unknown step 'assess_black'"))
        #expect(runner.commands.isEmpty)
    }
}

extension PipelineRunTests {
    /// In quality_pipeline the health wait runs beside the gates, under a label of its own: the gates'
    /// cleanup must not remove the health container, and a dead container fails the pipeline.
    @Test func healthRunsBesideTheGatesUnderItsOwnLabelAndBothVerdictsAreReported() async throws {
        let engine = FakeEngine()
        engine.script("workflows-testrun-health", [FakeEngine.state("exited", health: "starting", exitCode: 2)])
        let (status, console) = try await runWorkflows(["quality_pipeline"], engine: engine, git: try git(), root: try repository())
        #expect(status == 1)
        let run = try #require(engine.runs.first { $0.detach && $0.name?.hasSuffix("-gates") != true })
        #expect(run.name == "workflows-testrun-health" && run.labels.first == EngineLabels.run("testrun-health"))
        #expect(engine.containerNames.isEmpty, "the health step's own cleanup removed it")
        #expect(console.stdout.contains("assess_image_health runs beside it"))
        let summary = try #require(console.stdout.components(separatedBy: "Summary:").last)
        #expect(summary.range(of: "assess_image_health +failed", options: .regularExpression) != nil, "\(summary)")
        #expect(summary.range(of: "assess_image_code +(passed|failed)", options: .regularExpression) != nil, "\(summary)")
        #expect(console.stdout.contains("exited with code 2"))
    }
}

/// `workflows clean` decides by the owner label alone: a process of this host that is gone.
@Suite struct CleanTests {
    @Test func onlyWhatAGoneProcessOfThisHostMadeIsDead() {
        let host = ProcessInfo.processInfo.hostName
        let leftovers = [
            Clean.Leftover(id: "alive", run: "a", owner: "\(host)/\(getpid())"),
            Clean.Leftover(id: "gone", run: "b-health", owner: "\(host)/\(Int32.max - 1)"),
            Clean.Leftover(id: "elsewhere", run: "c", owner: "another-host/1"),
            Clean.Leftover(id: "unowned", run: "d", owner: "<no value>"),
        ]
        let (dead, alive) = Clean.split(leftovers)
        #expect(dead.map(\.id) == ["gone", "unowned"])
        #expect(alive.map(\.id) == ["alive", "elsewhere"])
        #expect(Clean.baseRunID("b-health") == "b")
        #expect(RunOwner(label: "my.host/42") == RunOwner(host: "my.host", pid: 42))
        #expect(RunOwner(label: "nopid") == nil)
    }

    /// A killed run's temporary folders carry its ID (`workflows-PURPOSE-RUNID-XXXXXXXX`): only those go.
    @Test func cleanFindsTheTemporaryFoldersOfEndedRunsOnly() throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in [
            "workflows-gates-dead000001-0A1B2C3D", "workflows-gate-tools-dead000001-4E5F6A7B",
            "workflows-gates-live000002-0A1B2C3D", "workflows-report", "other-dead000001-0A1B2C3D",
        ] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        #expect(Clean.temporaryFolders(of: ["dead000001"], in: folder).map(\.lastPathComponent) == [
            "workflows-gate-tools-dead000001-4E5F6A7B", "workflows-gates-dead000001-0A1B2C3D",
        ])
        #expect(Clean.temporaryFolders(of: [], in: folder).isEmpty)
    }

    @Test func cleanOptionsBelongToClean() throws {
        let project = Project.numbersAPI
        for flag in ["--images", "--caches"] {
            #expect(throws: WorkflowsError.self) { try Invocation.parse(["build_ci_image", flag], environment: [:], project: project) }
        }
        guard case .run(_, let settings) = try Invocation.parse(["clean", "--images", "--caches", "--dry-run"], environment: [:], project: project)
        else { throw WorkflowsError(.usage, "not a run") }
        #expect(settings.cleanImages && settings.cleanCaches && settings.dryRun)
    }
}

/// The run's reports: written whatever the outcome, with the steps' details; GitHub's groups,
/// annotations and step summary on GitHub Actions.
@Suite struct RunReportingTests {
    @Test func aFailedRunOnGitHubActionsLeavesReportsAnnotationsAndASummary() async throws {
        let git = FakeGit()
        git.gitDirectory = try TemporaryFolder.make()
        let reports = try TemporaryFolder.make()
        let summary = reports.appendingPathComponent("summary.md")
        git.hostPython = { command in
            command.arguments.contains("flake8")
                ? .fail(1, stderr: "").withOutput("./thenumbers/app.py:3:1: F401 'os' imported but unused\n") : nil
        }
        let environment = [
            "GITHUB_ACTIONS": "true", "RUNNER_TEMP": reports.path, "GITHUB_STEP_SUMMARY": summary.path,
        ]
        let (status, console) = try await runWorkflows(["assess_code"], environment: environment, engine: FakeEngine(), git: git)
        #expect(status == 1)
        #expect(console.stdout.contains("::group::assess_code"))
        #expect(console.stdout.contains("::endgroup::"))
        #expect(console.stdout.contains("::error file=app/thenumbers/app.py,line=3,col=1,title=flake8 F401::"), "\(console.stdout)")
        let folder = reports.appendingPathComponent("workflows-report")
        let report = try ReportWriter.decode(Data(contentsOf: folder.appendingPathComponent("report.json")))
        #expect(report.outcome == .failed)
        #expect(report.commandLine == ["assess_code"])
        let gates = try #require(report.steps.first?.gates)
        #expect(gates.map(\.name) == ["black", "isort", "flake8", "mypy", "pytest"])
        #expect(gates.first { $0.name == "flake8" }?.findings.first?.file == "app/thenumbers/app.py")
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("app/thenumbers/app.py:3"))
        let markdown = try String(contentsOf: summary, encoding: .utf8)
        #expect(markdown.contains("assess_code") && markdown.contains("flake8"))
    }

    @Test(arguments: ["gitlab", "azure", "jenkins"])
    func otherCISystemsGetTheirOwnLogCommandsAndReportFolder(_ system: String) async throws {
        let git = FakeGit()
        git.gitDirectory = try TemporaryFolder.make()
        let base = try TemporaryFolder.make()
        git.hostPython = { command in
            command.arguments.contains("flake8")
                ? .fail(1, stderr: "").withOutput("./thenumbers/app.py:3:1: F401 'os' imported but unused\n") : nil
        }
        let environment = [
            "gitlab": ["GITLAB_CI": "true", "CI_PROJECT_DIR": base.path],
            "azure": ["TF_BUILD": "True", "BUILD_ARTIFACTSTAGINGDIRECTORY": base.path],
            "jenkins": ["JENKINS_URL": "http://jenkins/", "WORKSPACE": base.path],
        ][system] ?? [:]
        let (status, console) = try await runWorkflows(["assess_code"], environment: environment, engine: FakeEngine(), git: git)
        #expect(status == 1)
        let folder = base.appendingPathComponent("workflows-report")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["gl-code-quality-report.json", "junit.xml", "report.json", "report.sarif", "summary.md"])
        let out = console.stdout
        switch system {
        case "gitlab":
            #expect(out.contains("\u{1B}[0Ksection_start:") && out.contains(":workflows_assess_code[collapsed=true]\r\u{1B}[0Kassess_code"))
            #expect(out.contains(":workflows_assess_code\r\u{1B}[0K") && out.contains("\u{1B}[0Ksection_end:"))
        case "azure":
            #expect(out.contains("##[group]assess_code\n") && out.contains("##[endgroup]"))
            #expect(out.contains(
                "##vso[task.logissue type=error;sourcepath=app/thenumbers/app.py;linenumber=3;columnnumber=1;code=F401]"
                    + "flake8: 'os' imported but unused"), "\(out)")
            #expect(out.contains("##vso[task.uploadsummary]\(folder.path)/summary.md"))
        default:
            #expect(!out.contains("##") && !out.contains("section_start") && !out.contains("::group::"))
        }
    }

    @Test func noReportsUnlessAskedOrOnGitHubActions() throws {
        #expect(Invocation.defaultReportDirectory([:]) == nil)
        #expect(Invocation.defaultReportDirectory(["GITHUB_ACTIONS": "true", "RUNNER_TEMP": "/r"]) == "/r/workflows-report")
        guard case .run(_, let settings) = try Invocation.parse(
            ["build_ci_image", "--report-dir", "out"], environment: ["WORKFLOWS_REPORT_DIR": "env"], project: .numbersAPI)
        else { throw WorkflowsError(.usage, "not a run") }
        #expect(settings.reportDirectory == "out")
    }
}

extension ProcessOutput {
    func withOutput(_ text: String) -> ProcessOutput {
        var copy = self
        copy.standardOutput = Data(text.utf8)
        return copy
    }
}

extension PipelineRunTests {
    /// git's facts serve the whole run (the preflight, the build's labels, publish's tags, the report).
    @Test func gitsFactsAreAskedOncePerRun() async throws {
        let git = try git()
        let (status, console) = try await runWorkflows(
            ["quality_pipeline", "publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            engine: FakeEngine(), git: git, root: try repository())
        #expect(status == 0, "\(console.all)")
        #expect(git.runner.argvs("git").filter { $0 == ["rev-parse", "--verify", "HEAD"] }.count == 1)
        #expect(git.runner.argvs("git").filter { $0.first == "status" }.count == 1)
    }

    /// style_code rewrites the checkout: a build after it is labelled with the tree it really built.
    @Test func aBuildAfterStyleCodeAsksGitAgain() async throws {
        let engine = FakeEngine()
        let git = try git()
        git.hostPython = { [git] _ in
            git.dirty = true
            return nil
        }
        let (status, console) = try await runWorkflows(["style_code", "build_ci_image"], engine: engine, git: git, root: try repository())
        #expect(status == 0, "\(console.all)")
        #expect(git.runner.argvs("git").filter { $0.first == "status" }.count == 2)
        #expect(engine.image("numbers-api:latest")?.config.labels[EngineLabels.tree] == "dirty")
        #expect(console.stderr.contains("uncommitted changes"))
    }
}
