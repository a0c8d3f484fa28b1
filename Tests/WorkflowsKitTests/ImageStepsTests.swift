import Foundation
import Testing

@testable import WorkflowsKit

/// The image steps driven against the fake engine: what they ask of it, their verdicts and exit codes.
@Suite struct ImageStepsTests {
    func repository() throws -> URL { try NumbersAPIShape.make() }

    @Test func buildCIImageLabelsTheImageFromGitWithoutCache() async throws {
        let engine = FakeEngine()
        let git = FakeGit()
        git.exactTag = "v1.0.0"
        let (status, console) = try await runWorkflows(["build_ci_image"], engine: engine, git: git, root: try repository())
        #expect(status == 0, "\(console.all)")
        let (build, dockerfile) = try #require(engine.builds.first)
        #expect(build.noCache && build.forceRemove && build.tags == ["numbers-api:latest"])
        #expect(dockerfile.hasPrefix("FROM python:3.11-slim\nLABEL "), "the labels are one line after the original")
        for label in [
            "\"commit\"=\"\(FakeGit.commit)\"", "\"branch\"=\"main\"", "\"version\"=\"v1.0.0\"",
            "\"org.opencontainers.image.revision\"=\"\(FakeGit.commit)\"",
            "\"org.opencontainers.image.version\"=\"v1.0.0\"",
            "\"org.opencontainers.image.source\"=\"https://github.com/Owner/Numbers-API\"", "\"workflows.build\"=\"ci\"",
            "\"org.opencontainers.image.created\"=\"20",
        ] {
            #expect(dockerfile.contains(label), "missing label \(label)")
        }
        #expect(build.context == ".")
        let labelled = try #require(build.dockerfile)
        #expect(labelled.hasSuffix("/Dockerfile") && labelled.contains("workflows-build-"))
        // The image the engine now has under the tag carries them.
        let image = try #require(engine.image("numbers-api:latest"))
        #expect(image.config.id != FakeEngine.imageID, "a new image took the tag")
        #expect(image.config.labels["version"] == "v1.0.0" && image.config.labels[EngineLabels.tree] == "clean")
        #expect(image.config.labels[EngineLabels.image] == "numbers-api")
    }

    /// A build that fails: the step fails, saying so, and the tag stays on the image it named before.
    @Test func aFailedBuildFailsTheStepAndMakesNoImage() async throws {
        let engine = FakeEngine()
        engine.buildFailure = .fail(1, stderr: "The command '/bin/sh -c pip install -r requirements.txt' returned a non-zero code: 1")
        let (status, console) = try await runWorkflows(["build_ci_image"], engine: engine, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("docker build of numbers-api:latest failed (exit code 1)"), "\(console.stderr)")
        #expect(engine.image("numbers-api:latest")?.config.id == FakeEngine.imageID)
    }

    @Test func labelsAreQuotedSoThatNothingExpands() {
        let plain = BuildImage.labelledDockerfile("FROM x", labels: [("branch", #"a"b$c\d"#), ("n", "1\n2")])
        #expect(plain == "FROM x\nLABEL \"branch\"=\"a\\\"b\\$c\\\\d\" \"n\"=\"12\"\n")
        let backtick = BuildImage.labelledDockerfile("# escape=`\nFROM x\n", labels: [("b", #"a$b\c"#)])
        #expect(backtick == "# escape=`\nFROM x\nLABEL \"b\"=\"a`$b\\c\"\n")
    }

    /// The labels go at the end of the target stage, found by the one Dockerfile reader (`DockerfileStages`):
    /// continuations (also the backtick of `# escape=`), comments, and CRLF lines counted as the builders do.
    @Test func theLabelsOfATargetGoBeforeTheNextStagesFrom() {
        let labels = [("n", "1")]
        let dockerfile = "FROM a AS build\nRUN make \\\n  FROM x\n# FROM c AS other\nFROM b AS Runtime\nRUN true\nFROM runtime\n"
        #expect(BuildImage.labelledDockerfile(dockerfile, labels: labels, target: "build")
            == "FROM a AS build\nRUN make \\\n  FROM x\n# FROM c AS other\nLABEL \"n\"=\"1\"\nFROM b AS Runtime\nRUN true\nFROM runtime\n")
        #expect(BuildImage.labelledDockerfile(dockerfile, labels: labels, target: "RUNTIME").contains("RUN true\nLABEL \"n\"=\"1\"\nFROM runtime"))
        let crlf = "FROM a AS build\r\nRUN make\r\nFROM b\r\n"
        #expect(BuildImage.labelledDockerfile(crlf, labels: labels, target: "build") == "FROM a AS build\nRUN make\nLABEL \"n\"=\"1\"\nFROM b\n")
        let backtick = "# escape=`\nFROM a AS build\nRUN make `\n  FROM x\nFROM b\n"
        #expect(BuildImage.labelledDockerfile(backtick, labels: labels, target: "build").contains("FROM x\nLABEL \"n\"=\"1\"\nFROM b"))
        #expect(DockerfileStages.stages(of: dockerfile).map(\.line) == [0, 4, 6])
    }

    /// What the builders skip or keep: heredoc bodies, blank lines inside a continuation, a byte order mark,
    /// a comment before `# escape=` (no longer a directive), a lone `\r` (not a line end).
    @Test func theDockerfileReaderSkipsWhatTheBuildersSkip() {
        let heredoc = "FROM a AS build\nRUN <<EOF cat > Dockerfile.inner\nFROM evil\nEOF\nCOPY <<-\"END\" /x\n\tFROM evil2\n\tEND\nFROM b\n"
        #expect(DockerfileStages.stages(of: heredoc).map(\.base) == ["a", "b"])
        #expect(DockerfileStages.stages(of: heredoc).map(\.line) == [0, 7])
        #expect(DockerfileStages.logicalLines("FROM a\nRUN make \\\n\n  install\nFROM b\n") == ["FROM a", "RUN make  install", "FROM b"])
        #expect(DockerfileStages.stages(of: "\u{FEFF}FROM a AS one\nFROM one\n").map(\.name) == ["one", nil])
        #expect(DockerfileStages.escapeCharacter(of: "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n") == "`")
        #expect(DockerfileStages.escapeCharacter(of: "# a comment\n# escape=`\nFROM a\n") == "\\")
        let labelled = BuildImage.labelledDockerfile("FROM a AS build\nLABEL note=\"x\ry\"\nFROM b\n", labels: [("n", "1")], target: "build")
        #expect(labelled == "FROM a AS build\nLABEL note=\"x\ry\"\nLABEL \"n\"=\"1\"\nFROM b\n")
    }

    @Test func buildDevImageKeepsTheCacheAndSaysSo() async throws {
        let engine = FakeEngine()
        _ = try await runWorkflows(["build-dev-image", "--image", "app:dev"], engine: engine, root: try repository())
        let (build, dockerfile) = try #require(engine.builds.first)
        #expect(!build.noCache)
        #expect(build.tags == ["app:dev"])
        #expect(dockerfile.contains("\"workflows.build\"=\"dev\""))
        #expect(engine.image("app:dev")?.config.labels[EngineLabels.build] == "dev")
    }

    @Test func buildOutsideGitWarnsAndLabelsUnknown() async throws {
        let engine = FakeEngine()
        let git = FakeGit()
        git.gitRepository = false
        let (status, console) = try await runWorkflows(["build_ci_image"], engine: engine, git: git, root: try repository())
        #expect(status == 0)
        #expect(console.stderr.contains("not a git repository"))
        let labels = try #require(engine.image("numbers-api:latest")).config.labels
        #expect(labels["commit"] == "unknown" && labels["version"] == "unknown")
    }

    @Test func buildWithoutDockerfileIsAUsageErrorBeforeDocker() async throws {
        let engine = FakeEngine()
        let root = try repository()
        try FileManager.default.removeItem(at: root.appendingPathComponent("Dockerfile"))
        let (status, console) = try await runWorkflows(["build_ci_image"], engine: engine, root: root)
        #expect(status == 64)
        #expect(console.stderr.contains("build_ci_image: No Dockerfile at \(root.appendingPathComponent("Dockerfile").path) (convention)"))
        #expect(console.stderr.contains("Set 'dockerfile'"))
        #expect(engine.changes.isEmpty)
    }

    @Test func anEngineThatDoesNotAnswerIsOneReadableParagraph() async throws {
        let engine = FakeEngine()
        engine.engineAnswers = false
        let (status, console) = try await runWorkflows(["build_ci_image"], engine: engine, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("The engine behind docker does not answer (Cannot connect to the Docker daemon)"))
        #expect(engine.builds.isEmpty)
    }

    static let health = "workflows-testrun-health"

    @Test func healthPassesOnHealthyAfterStartingAndRemovesTheContainer() async throws {
        let engine = FakeEngine()
        engine.script(Self.health, [FakeEngine.state("running", health: "starting"), FakeEngine.state("running", health: "healthy")])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 0, "\(console.all)")
        let run = try #require(engine.runs.first)
        #expect(run.image == FakeEngine.imageID, "the ID, which no other build can move")
        #expect(run.name == Self.health && run.detach && run.arguments.isEmpty)
        #expect(run.labels == [EngineLabels.run("testrun"), RunResources.owner])
        #expect(engine.inspections == [Self.health, Self.health])
        #expect(engine.containerNames.isEmpty, "the run's cleanup removed it")
        #expect(console.stdout.contains("is healthy after"))
    }

    @Test func aPassingProbeGivesTheFirstVerdictBeforeTheEnginesFirstInterval() async throws {
        let engine = FakeEngine()
        engine.probe = .ok()
        engine.script(Self.health, [FakeEngine.state("running", health: "starting")])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("its probe passed"))
        #expect(engine.execs.contains { $0.container == Self.health && $0.command == ["python", "-c", "probe"] })
    }

    @Test func aPassingProbeOfAContainerThatDiedMeanwhileIsNoPass() async throws {
        let engine = FakeEngine()
        engine.probe = .ok()
        engine.script(Self.health, [
            FakeEngine.state("running", health: "starting"), FakeEngine.state("exited", health: "starting", exitCode: 1),
        ])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.all.contains("exited with code 1"))
    }

    /// The probe passes in the moment before an app that crashes at start exits: the pass waits until the
    /// container has run `HealthPlan.passSettleSeconds`, and the exit is what the step reports.
    @Test func aProbeThatPassesJustBeforeTheAppCrashesIsNoPass() async throws {
        let engine = FakeEngine()
        engine.probe = .ok()
        engine.script(Self.health, [FakeEngine.state("running", health: "starting")])
        engine.exits(Self.health, code: 3, afterSeconds: 0.3)
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1, "\(console.all)")
        #expect(console.all.contains("exited with code 3"), "\(console.all)")
        #expect(!console.all.contains("its probe passed"))
    }

    /// Someone else removes the container (a prune) while its health is awaited: said as such, not as an
    /// engine that stopped answering.
    @Test func aContainerThatVanishesMidWaitFailsTheStepSayingSo() async throws {
        let engine = FakeEngine()
        engine.script(Self.health, [FakeEngine.state("running", health: "starting")])
        engine.vanish(Self.health, afterPolls: 1)
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.stderr.contains("The container \(Self.health) vanished while its health was awaited: Error: No such container"),
                "\(console.all)")
        #expect(console.stderr.contains("run the step again"))
    }

    /// The engine goes away while the health is awaited: that is what the step says, not a vanished container.
    @Test func anEngineThatStopsAnsweringMidWaitIsSaidAsSuch() async throws {
        let engine = FakeEngine()
        engine.script(Self.health, [FakeEngine.state("running", health: "starting")])
        engine.stopsAnsweringAfterPolls = 1
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.stderr.contains("The engine behind docker stopped answering while the health of \(Self.health) was awaited"),
                "\(console.all)")
        #expect(!console.stderr.contains("vanished"))
    }

    @Test func healthFailsAtOnceOnUnhealthyWithProbesAndLogs() async throws {
        let engine = FakeEngine()
        engine.script(Self.health, [
            FakeEngine.state("running", health: "unhealthy", probes: [FakeEngine.probe("connection refused")]),
        ])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.stdout.contains("probe exit code 1:\n    connection refused"))
        #expect(console.stdout.contains("app: listening"), "its logs are shown")
        #expect(console.stderr.contains("became unhealthy"))
        #expect(engine.inspections.count == 1)
        #expect(engine.containerNames.isEmpty)
    }

    @Test func healthFailsAtOnceWhenTheContainerExits() async throws {
        let engine = FakeEngine()
        engine.script(Self.health, [FakeEngine.state("exited", health: "starting", exitCode: 3)])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.all.contains("exited with code 3"))
        #expect(engine.inspections.count == 1)
    }

    @Test func healthFailsAtTheDeadlineWithEvidence() async throws {
        let engine = FakeEngine()
        engine.script(Self.health, [FakeEngine.state("running", health: "starting")])
        let (status, console) = try await runWorkflows(["assess_image_health", "--health-timeout", "0.5"], engine: engine)
        #expect(status == 1)
        #expect(console.all.contains("was not healthy by the deadline"))
        #expect(console.stdout.contains("app: listening"), "its logs are shown")
    }

    /// Slow by design: the container must stay running for the whole five seconds.
    @Test(arguments: [nil, ["NONE"]] as [[String]?])
    func anImageWithNoProbeAtAllPassesAsAliveForFiveSeconds(healthcheck: [String]?) async throws {
        let engine = FakeEngine()
        engine.configure { $0.healthcheck = healthcheck.map { ImageConfig.Healthcheck(test: $0) } }
        let started = Date()
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("no probe: alive for 5 s"))
        #expect(Date().timeIntervalSince(started) >= HealthPlan.aliveSeconds, "it passed before five seconds were over")
        #expect(engine.execs.isEmpty, "there is nothing to probe")
    }

    @Test func aMissingImageSaysWhatToBuild() async throws {
        let engine = FakeEngine(appImage: false)
        let (status, console) = try await runWorkflows(["assess_image_code"], engine: engine)
        #expect(status == 1)
        #expect(console.stderr.contains("has no image numbers-api:latest"))
        #expect(console.stderr.contains("build_ci_image"))
    }
}

/// The health rules workflows applies to the probes it runs itself, for engines that run none.
@Suite struct ProbeJudgeTests {
    @Test func countsOneFailurePerIntervalAfterTheStartPeriod() {
        var judge = ProbeJudge(rules: .init(test: [], interval: 2, timeout: 1, startPeriod: 10, retries: 3))
        let failure = ContainerState.HealthState.Probe(exitCode: 1, output: "refused")
        var verdicts: [Bool] = []
        for second in stride(from: 0.0, to: 10, by: 0.25) { verdicts.append(judge.failed(failure, at: second)) }
        #expect(!verdicts.contains(true), "failures in the start period do not count")
        let first = judge.failed(failure, at: 10)
        let tooSoon = judge.failed(failure, at: 11)
        let second = judge.failed(failure, at: 12)
        let third = judge.failed(failure, at: 14)
        #expect(!first && !tooSoon && !second && third)
        #expect(judge.probes.count == 5)
    }
}

extension ImageStepsTests {
    @Test func anEngineThatRunsNoProbesIsJudgedByTheImagesRules() async throws {
        let engine = FakeEngine()
        engine.configure { $0.healthcheck = .init(test: ["CMD", "python", "-c", "probe"], interval: 0.1, timeout: 0.1, retries: 2) }
        engine.script(Self.health, [FakeEngine.state("running", health: "starting")])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1, "\(console.all)")
        #expect(console.all.contains("2 probes failed in a row, run by workflows: the engine runs none"))
        #expect(console.stdout.contains("connection refused"), "the probes workflows ran are the evidence")
    }
}

extension ImageStepsTests {
    /// Seen on a loaded CI machine: our first probe timed out before Docker ran its own, and the empty log
    /// was taken for "the engine runs none". The engine's verdict is awaited until its first probe is overdue.
    /// (A 30 s timeout puts "overdue" at 33 s, far past the five polls even when parallel tests starve them.)
    @Test func aFailingProbeOfOursBeforeTheEnginesFirstIsNotTakenForAnEngineThatRunsNone() async throws {
        let engine = FakeEngine()
        engine.configure { $0.healthcheck = .init(test: ["CMD", "python", "-c", "probe"], interval: 1, timeout: 30, retries: 1) }
        let noLogYet = FakeEngine.state("running", health: "starting")
        engine.script(Self.health, Array(repeating: noLogYet, count: 4) + [
            FakeEngine.state("running", health: "unhealthy", probes: [FakeEngine.probe("probe: port 5000 refused")]),
        ])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1, "\(console.all)")
        #expect(console.all.contains("became unhealthy"))
        #expect(!console.all.contains("the engine runs none"), "\(console.all)")
        #expect(console.stdout.contains("probe: port 5000 refused"), "the engine's own probe is the evidence")
    }

    @Test func theEnginesFirstProbeIsOverdueAfterItsIntervalItsTimeoutAndSlack() {
        let rules = ImageConfig.Healthcheck(test: [], interval: 1, timeout: 2, startPeriod: 0, retries: 1)
        #expect(!AssessImageHealth.engineProbeIsOverdue(rules, elapsed: 2))
        #expect(!AssessImageHealth.engineProbeIsOverdue(rules, elapsed: 4.9))
        #expect(AssessImageHealth.engineProbeIsOverdue(rules, elapsed: 5))
    }
}
