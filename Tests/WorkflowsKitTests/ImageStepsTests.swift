import Foundation
import Testing

@testable import WorkflowsKit

/// The image steps driven against the fake engine: the exact docker commands, verdicts and exit codes.
@Suite struct ImageStepsTests {
    func repository() throws -> URL { try NumbersAPIShape.make() }

    @Test func buildCIImageLabelsTheImageFromGitWithoutCache() async throws {
        let engine = ScriptedDockerCLI()
        engine.exactTag = "v1.0.0"
        let (status, _) = try await runWorkflows(["build_ci_image"], runner: engine.runner, root: try repository())
        #expect(status == 0)
        let build = try #require(engine.runner.argvs().first { $0.first == "build" })
        #expect(build.starts(with: ["build", "--no-cache", "--force-rm", "--tag", "numbers-api:latest"]))
        let dockerfile = engine.builtDockerfile
        #expect(dockerfile.hasPrefix("FROM python:3.11-slim\nLABEL "), "the labels are one line after the original")
        for label in [
            "\"commit\"=\"\(ScriptedDockerCLI.commit)\"", "\"branch\"=\"main\"", "\"version\"=\"v1.0.0\"",
            "\"org.opencontainers.image.revision\"=\"\(ScriptedDockerCLI.commit)\"",
            "\"org.opencontainers.image.version\"=\"v1.0.0\"",
            "\"org.opencontainers.image.source\"=\"https://github.com/Owner/Numbers-API\"", "\"workflows.build\"=\"ci\"",
            "\"org.opencontainers.image.created\"=\"20",
        ] {
            #expect(dockerfile.contains(label), "missing label \(label)")
        }
        #expect(!build.contains("--label"), "with the legacy builder each --label would be a build step")
        #expect(build.last == ".")
        #expect(build[build.count - 2].hasSuffix("/Dockerfile") && build[build.count - 2].contains("workflows-build-"))
    }

    @Test func labelsAreQuotedSoThatNothingExpands() {
        let plain = BuildImage.labelledDockerfile("FROM x", labels: [("branch", #"a"b$c\d"#), ("n", "1\n2")])
        #expect(plain == "FROM x\nLABEL \"branch\"=\"a\\\"b\\$c\\\\d\" \"n\"=\"12\"\n")
        let backtick = BuildImage.labelledDockerfile("# escape=`\nFROM x\n", labels: [("b", #"a$b\c"#)])
        #expect(backtick == "# escape=`\nFROM x\nLABEL \"b\"=\"a`$b\\c\"\n")
    }

    @Test func buildDevImageKeepsTheCacheAndSaysSo() async throws {
        let engine = ScriptedDockerCLI()
        _ = try await runWorkflows(["build-dev-image", "--image", "app:dev"], runner: engine.runner, root: try repository())
        let build = try #require(engine.runner.argvs().first { $0.first == "build" })
        #expect(!build.contains("--no-cache"))
        #expect(build.contains("app:dev"))
        #expect(engine.builtDockerfile.contains("\"workflows.build\"=\"dev\""))
    }

    @Test func buildOutsideGitWarnsAndLabelsUnknown() async throws {
        let engine = ScriptedDockerCLI()
        engine.gitRepository = false
        let (status, console) = try await runWorkflows(["build_ci_image"], runner: engine.runner, root: try repository())
        #expect(status == 0)
        #expect(console.stderr.contains("not a git repository"))
        let build = try #require(engine.runner.argvs().first { $0.first == "build" })
        #expect(!build.isEmpty)
        #expect(engine.builtDockerfile.contains("\"commit\"=\"unknown\"") && engine.builtDockerfile.contains("\"version\"=\"unknown\""))
    }

    @Test func buildWithoutDockerfileIsAUsageErrorBeforeDocker() async throws {
        let engine = ScriptedDockerCLI()
        let root = try repository()
        try FileManager.default.removeItem(at: root.appendingPathComponent("Dockerfile"))
        let (status, console) = try await runWorkflows(["build_ci_image"], runner: engine.runner, root: root)
        #expect(status == 64)
        #expect(console.stderr.contains("build_ci_image: No Dockerfile at \(root.appendingPathComponent("Dockerfile").path) (convention)"))
        #expect(console.stderr.contains("Set 'dockerfile'"))
        #expect(engine.runner.argvs().isEmpty)
    }

    @Test func anEngineThatDoesNotAnswerIsOneReadableParagraph() async throws {
        let engine = ScriptedDockerCLI()
        engine.engineAnswers = false
        let (status, console) = try await runWorkflows(["build_ci_image"], runner: engine.runner, root: try repository())
        #expect(status == 1)
        #expect(console.stderr.contains("The engine behind docker does not answer (Cannot connect to the Docker daemon)"))
        #expect(console.stderr.contains("scripts/provision.sh"))
        #expect(!engine.runner.argvs().contains { $0.first == "build" })
    }

    @Test func healthPassesOnHealthyAfterStartingAndRemovesTheContainer() async throws {
        let engine = ScriptedDockerCLI()
        engine.states = [
            ScriptedDockerCLI.state("running", health: "starting"), ScriptedDockerCLI.state("running", health: "healthy"),
        ]
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
        #expect(status == 0)
        let argvs = engine.runner.argvs()
        let run = try #require(argvs.first { $0.first == "run" })
        #expect(run == [
            "run", "--detach", "--name", "workflows-testrun-health", "--label", "workflows.run=testrun",
            "--label", RunResources.ownerLabel, ScriptedDockerCLI.imageID,
        ])
        #expect(!run.contains("-t") && !run.contains("-it") && !run.contains("-itd"))
        #expect(argvs.filter { $0 == ["container", "inspect", "--format", "{{json .State}}", "workflows-testrun-health"] }.count == 2)
        #expect(argvs.contains(["ps", "--all", "--quiet", "--filter", "label=workflows.run=testrun"]))
        #expect(argvs.contains(["rm", "--force", "--volumes", "container-testrun"]))
        #expect(console.stdout.contains("is healthy after"))
    }

    @Test func aPassingProbeGivesTheFirstVerdictBeforeTheEnginesFirstInterval() async throws {
        let engine = ScriptedDockerCLI()
        engine.probeSucceeds = true
        engine.states = [ScriptedDockerCLI.state("running", health: "starting")]
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("its probe passed"))
        #expect(engine.runner.argvs().contains(["exec", "workflows-testrun-health", "python", "-c", "probe"]))
    }

    @Test func aPassingProbeOfAContainerThatDiedMeanwhileIsNoPass() async throws {
        let engine = ScriptedDockerCLI()
        engine.probeSucceeds = true
        engine.states = [ScriptedDockerCLI.state("running", health: "starting"), ScriptedDockerCLI.state("exited", health: "starting", exitCode: 1)]
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
        #expect(status == 1)
        #expect(console.all.contains("exited with code 1"))
    }

    @Test func healthFailsAtOnceOnUnhealthyWithProbesAndLogs() async throws {
        let engine = ScriptedDockerCLI()
        engine.states = [ScriptedDockerCLI.state("running", health: "unhealthy", probe: "connection refused")]
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
        #expect(status == 1)
        #expect(console.stdout.contains("probe exit code 1:\n    connection refused"))
        #expect(engine.runner.argvs().contains(["logs", "--tail", "100", "workflows-testrun-health"]))
        #expect(console.stderr.contains("became unhealthy"))
        #expect(engine.runner.argvs().filter { $0.first == "container" }.count == 1)
        #expect(engine.runner.argvs().contains(["rm", "--force", "--volumes", "container-testrun"]))
    }

    @Test func healthFailsAtOnceWhenTheContainerExits() async throws {
        let engine = ScriptedDockerCLI()
        engine.states = [ScriptedDockerCLI.state("exited", health: "starting", exitCode: 3)]
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
        #expect(status == 1)
        #expect(console.all.contains("exited with code 3"))
        #expect(engine.runner.argvs().filter { $0.first == "container" }.count == 1)
    }

    @Test func healthFailsAtTheDeadlineWithEvidence() async throws {
        let engine = ScriptedDockerCLI()
        engine.states = [ScriptedDockerCLI.state("running", health: "starting")]
        let (status, console) = try await runWorkflows(
            ["assess_image_health", "--health-timeout", "0.5"], runner: engine.runner)
        #expect(status == 1)
        #expect(console.all.contains("was not healthy by the deadline"))
        #expect(engine.runner.argvs().contains(["logs", "--tail", "100", "workflows-testrun-health"]))
    }

    /// Slow by design: the container must stay running for the whole five seconds.
    @Test(arguments: ["null", #"{"Test":["NONE"]}"#])
    func anImageWithNoProbeAtAllPassesAsAliveForFiveSeconds(healthcheck: String) async throws {
        let engine = ScriptedDockerCLI()
        engine.healthcheckJSON = healthcheck
        engine.states = [ScriptedDockerCLI.state("running", health: nil)]
        let started = Date()
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("no probe: alive for 5 s"))
        #expect(Date().timeIntervalSince(started) >= HealthPlan.aliveSeconds, "it passed before five seconds were over")
        #expect(!engine.runner.argvs().contains { $0.first == "exec" }, "there is nothing to probe")
    }

    @Test func aMissingImageSaysWhatToBuild() async throws {
        let engine = ScriptedDockerCLI()
        engine.imageExists = false
        let (status, console) = try await runWorkflows(["assess_image_code"], runner: engine.runner)
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
        let engine = ScriptedDockerCLI()
        engine.healthcheckJSON = #"{"Test":["CMD","python","-c","probe"],"Interval":100000000,"Timeout":100000000,"Retries":2}"#
        engine.states = [ScriptedDockerCLI.state("running", health: "starting", probe: "")
            .replacingOccurrences(of: #","Log":[{"ExitCode":1,"Output":""}]"#, with: "")]
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
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
        let engine = ScriptedDockerCLI()
        engine.healthcheckJSON = #"{"Test":["CMD","python","-c","probe"],"Interval":1000000000,"Timeout":30000000000,"Retries":1}"#
        let noLogYet = ScriptedDockerCLI.state("running", health: "starting", probe: "")
            .replacingOccurrences(of: #","Log":[{"ExitCode":1,"Output":""}]"#, with: "")
        engine.states = Array(repeating: noLogYet, count: 4)
            + [ScriptedDockerCLI.state("running", health: "unhealthy", exitCode: 0, probe: "probe: port 5000 refused")]
        engine.probeSucceeds = false
        let (status, console) = try await runWorkflows(["assess_image_health"], runner: engine.runner)
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
