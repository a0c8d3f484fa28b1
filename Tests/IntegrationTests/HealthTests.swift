import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// assess_image_health against images made to misbehave.
    @Suite struct Health {
        @Test func anAppThatCrashesAtStartFailsFastWithItsLogs() async throws {
            try await Harness.requireEngine()
            let image = Harness.uniqueName("workflows-it-crash")
            try await Harness.tinyImage(image, dockerfile: """
                HEALTHCHECK --interval=30s CMD ["python3", "-c", "print('never asked')"]
                CMD ["python3", "-c", "import sys; print('boom: DATABASE_URL is not set', flush=True); sys.exit(3)"]
                """)
            let run = try await Harness.workflows(["assess_image_health", "--image", image, "--health-timeout", "300"],
                                                  in: Harness.repositoryRoot)
            await Harness.removeImage(image)
            #expect(run.status == 1)
            #expect(run.all.contains("exited with code 3"), "\(run.all)")
            #expect(!run.all.contains("deadline"), "it waited for the deadline instead of failing at the exit")
            #expect(run.stdout.contains("boom: DATABASE_URL is not set"))
            #expect(try await Harness.leftoverContainers().isEmpty)
        }

        @Test func anUnhealthyAppFailsWithTheProbesOutput() async throws {
            try await Harness.requireEngine()
            let image = Harness.uniqueName("workflows-it-unhealthy")
            try await Harness.tinyImage(image, dockerfile: """
                HEALTHCHECK --interval=1s --timeout=20s --retries=1 CMD ["python3", "-c", "import sys; print('probe: port 5000 refused'); sys.exit(1)"]
                CMD ["sleep", "300"]
                """)
            let run = try await Harness.workflows(["assess_image_health", "--image", image, "--health-timeout", "300"],
                                                  in: Harness.repositoryRoot)
            await Harness.removeImage(image)
            #expect(run.status == 1)
            #expect(run.all.contains("became unhealthy"), "\(run.all)")
            #expect(run.stdout.contains("probe exit code 1:\n    probe: port 5000 refused"))
            #expect(try await Harness.leftoverContainers().isEmpty)
        }

        /// A probe that outlives its timeout is not killed by the engine when workflows runs it (killing
        /// `docker exec` leaves it running in the container): no second probe starts while it lives.
        @Test func aHungProbeIsNotRestartedWhileItRuns() async throws {
            try await Harness.requireEngine()
            let image = Harness.uniqueName("workflows-it-hung-probe")
            try await Harness.tinyImage(image, dockerfile: """
                HEALTHCHECK --interval=300s --timeout=1s --start-period=300s CMD ["sleep", "97"]
                CMD ["sleep", "300"]
                """)
            let run = try Harness.BackgroundRun(
                ["assess_image_health", "--image", image, "--health-timeout", "8"], in: Harness.repositoryRoot)
            var container = ""
            try await run.waitUntil("the health container runs") {
                container = try await Harness.docker("ps", "--quiet", "--filter", "ancestor=\(image)")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return !container.isEmpty
            }
            // Sampled until the run ends: the old loop started a new probe every 1.25 s (six by the deadline).
            var most = 0
            var samples = 0
            while !run.hasExited {
                // Not Harness.docker: the container goes away at the end, and `top` then fails.
                let top = (try? await Harness.runner.run(Command("docker", ["top", container])))?.outputText ?? ""
                most = max(most, top.split(separator: "\n").filter { $0.contains("sleep 97") }.count)
                samples += 1
                try await Task.sleep(nanoseconds: 250_000_000)
            }
            let ending = run.stop(nil, limit: 30)
            let left = try await Harness.docker("ps", "--all", "--quiet", "--filter", "ancestor=\(image)")
            await Harness.removeImage(image)
            #expect(samples >= 10, "the run ended too soon to tell: \(ending.log)")
            #expect(most == 1, "\(most) probes ran at once")
            #expect(ending.termination == .exited(1), "\(ending.log)")
            #expect(ending.log.contains("was not healthy by the deadline"), "\(ending.log)")
            #expect(ending.log.contains("timed out after 1.0s"), "\(ending.log)")
            #expect(left.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left: \(left)")
        }

        @Test func twoRunsAtOnceOnOneEngineDoNotCollide() async throws {
            try await Harness.requireEngine()
            let image = Harness.uniqueName("workflows-it-healthy")
            try await Harness.tinyImage(image, dockerfile: """
                HEALTHCHECK --interval=1s CMD ["true"]
                CMD ["sleep", "300"]
                """)
            async let first = Harness.workflows(["assess_image_health", "--image", image], in: Harness.repositoryRoot)
            async let second = Harness.workflows(["assess_image_health", "--image", image], in: Harness.repositoryRoot)
            let runs = try await [first, second]
            await Harness.removeImage(image)
            #expect(runs.map(\.status) == [0, 0], "\(runs.map(\.all))")
            #expect(try await Harness.leftoverContainers().isEmpty)
        }

        /// The run ends by the signal itself, after its cleanup: a parent shell sees $? = 128 + N.
        @Test(arguments: [SIGINT, SIGTERM])
        func aSignalMidWaitEndsTheRunByThatSignalAndLeavesNoContainer(signal: Int32) async throws {
            try await Harness.requireEngine()
            let image = Harness.uniqueName("workflows-it-slow")
            try await Harness.tinyImage(image, dockerfile: """
                HEALTHCHECK --interval=60s CMD ["true"]
                CMD ["sleep", "300"]
                """)
            let run = try Harness.BackgroundRun(
                ["assess_image_health", "--image", image, "--health-timeout", "300"], in: Harness.repositoryRoot)
            try await run.waitUntil("the health container appeared") {
                !(try await Harness.docker("ps", "--quiet", "--filter", "ancestor=\(image)")).isEmpty
            }
            let (termination, log) = run.signal(signal)
            await Harness.removeImage(image)
            #expect(termination == .signalled(signal), "\(log)")
            #expect(log.contains("removing this run's containers"))
            #expect(try await Harness.leftoverContainers().isEmpty)
        }

        @Test func aSignalMidGatesRemovesTheContainersTheTemporaryImagesAndTheirFolder() async throws {
            try await Harness.requireEngine()
            let folder = try await Harness.appCopy()
            let image = Harness.uniqueName("workflows-it-gates-signal") + ":latest"
            let built = try await Harness.workflows(["build_dev_image", "--image", image], in: folder)
            try #require(built.status == 0, "\(built.all)")
            let builtID = try await Harness.docker("image", "inspect", "--format", "{{.Id}}", image)
            let run = try Harness.BackgroundRun(["assess_image_code", "--image", image], in: folder)
            // Scoped to this run (its containers' owner label ends with its PID): other test processes share
            // the engine, and a gate's command is printed only after the gate ended.
            var id = ""
            try await run.waitUntil("the gates started") {
                let lines = try await Harness.docker(
                    "ps", "--format", "{{.Label \"workflows.run\"}} {{.Label \"workflows.owner\"}}", "--filter", "label=workflows.run")
                guard let line = lines.split(separator: "\n").first(where: { $0.hasSuffix("/\(run.pid)") }) else { return false }
                id = String(line.split(separator: " ")[0])
                return true
            }
            let (termination, log) = run.signal(SIGINT)
            await Harness.removeImage(image)
            #expect(termination == .signalled(SIGINT), "\(log)")
            #expect(try await Harness.leftoverContainers().isEmpty)
            #expect(try await Harness.leftovers(of: Harness.Run(status: 0, stdout: log, stderr: "")).isEmpty)
            let stillThere = try await Harness.runner.run(Command("docker", ["image", "inspect", builtID]))
            #expect(!stillThere.succeeded, "the assessed image is held by leftover intermediate images")
            #expect(try await Harness.docker("image", "ls", "--quiet", "\(EngineLabels.assessedRepository):\(id)").isEmpty)
            #expect(try await Harness.docker("image", "ls", "--quiet", "workflows-gates:\(id)").isEmpty)
            let staged = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
                .filter { $0.hasPrefix("workflows-gates-\(id)") }
            #expect(staged.isEmpty, "staging folders left: \(staged)")
        }
    }
}
