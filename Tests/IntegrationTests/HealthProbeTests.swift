import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// Health without a HEALTHCHECK and without a `health` key, on the real engine: the EXPOSEd port probed
    /// from inside the container (by HTTP, else by TCP), else five seconds alive. Each builds with the layer
    /// cache and runs only `assess_image_health`: the gates have nothing to do with it.
    @Suite struct HealthProbes {
        /// A committed git repository of the sample `name`, changed by `edit`, and an image name of its own.
        func sample(_ name: String, edit: (inout [String: String]) -> Void = { _ in }) async throws -> (FakeRepository, String) {
            try await Harness.requireEngine()
            var files = try SampleProjects.folder(name)
            edit(&files)
            let repository = try FakeRepository("workflows-it-\(name)", files: files)
            try await Harness.sh("git", ["init", "--quiet", "--initial-branch=main"], in: repository.root)
            try await Harness.sh("git", ["add", "."], in: repository.root)
            try await Harness.commit("The \(name) sample", in: repository.root)
            return (repository, Harness.uniqueName("workflows-it-\(name)") + ":latest")
        }

        func health(_ repository: FakeRepository, _ image: String, timeout: String = "60") async throws -> Harness.Run {
            let run = try await Harness.workflows(
                ["build_dev_image", "assess_image_health", "--image", image, "--health-timeout", timeout], in: repository.root)
            await Harness.removeImage(image)
            #expect(try await Harness.leftovers(of: run).isEmpty)
            return run
        }

        @Test func aCloudRunServiceIsHealthyByHTTPWithPORTSetAndFailsWhenItAnswers500() async throws {
            let (repository, image) = try await sample("cloudrun-port")
            defer { repository.delete() }
            let shown = try await Harness.workflows(["show_project"], in: repository.root)
            #expect(shown.stdout.contains(HealthPlan.conventionText), "\(shown.all)")
            #expect(shown.stdout.contains("GET / on its EXPOSEd port 8080"), "\(shown.all)")
            #expect(shown.stdout.contains("PORT=8080 is set, as its start command reads $PORT"), "\(shown.all)")

            // Without PORT its `--port $PORT` would have no value and the service would not start.
            let passed = try await health(repository, image)
            #expect(passed.status == 0, "\(passed.all)")
            #expect(passed.stdout.contains("--env PORT=8080"), "\(passed.stdout)")
            #expect(passed.stdout.contains("by HTTP: HTTP 200 from GET / on port 8080"), "\(passed.all)")

            let (broken, brokenImage) = try await sample("cloudrun-port") { files in
                files["main.py"] = files["main.py"]?.replacingOccurrences(
                    of: "self.send_response(200)", with: "self.send_response(500)")
            }
            defer { broken.delete() }
            let failed = try await health(broken, brokenImage, timeout: "8")
            #expect(failed.status == 1, "\(failed.all)")
            #expect(failed.all.contains("was not healthy by the deadline of 8.0s"), "\(failed.all)")
            #expect(failed.all.contains("HTTP 500 from GET / on port 8080"), "the last answer is the evidence")
            #expect(failed.stdout.contains("listening on :8080"), "the container's logs are shown")
        }

        @Test func aRawTCPServerIsHealthyByTCPAfterTheStartPeriod() async throws {
            try await Harness.requireEngine()
            let image = Harness.uniqueName("workflows-it-tcp")
            // Accepts and hangs up at once: an open port that never answers HTTP.
            try await Harness.tinyImage(image, dockerfile: #"""
                EXPOSE 9000
                CMD ["python3", "-c", "import socket\nserver = socket.create_server(('', 9000))\nwhile True:\n    server.accept()[0].close()"]
                """#)
            let run = try await Harness.workflows(["assess_image_health", "--image", image], in: Harness.repositoryRoot)
            await Harness.removeImage(image)
            #expect(run.status == 0, "\(run.all)")
            #expect(run.stdout.contains("by TCP: port 9000 is open but gave no HTTP answer"), "\(run.all)")
            let seconds = try #require(run.stdout.firstMatch(of: /is healthy after ([0-9.]+)s by TCP/).flatMap { Double($0.1) })
            #expect(seconds >= HealthPlan.tcpStartPeriodSeconds, "TCP counted before the start period was over")
            #expect(try await Harness.leftovers(of: run).isEmpty)
        }

        @Test func aWorkerWithNoProbePassesAliveForFiveSecondsAndOneThatExitsFailsWithItsLogs() async throws {
            let (repository, image) = try await sample("no-probe")
            defer { repository.delete() }
            let passed = try await health(repository, image)
            #expect(passed.status == 0, "\(passed.all)")
            #expect(passed.stdout.contains("no probe: alive for 5 s"), "\(passed.all)")
            #expect(!passed.all.contains("template"), "a raw Go template error leaked")

            let (broken, brokenImage) = try await sample("no-probe") { files in
                files["worker.py"] = files["worker.py"]?.replacingOccurrences(
                    of: #"os.environ.get("QUEUE_DIR", "/tmp/queue")"#, with: #"os.environ["QUEUE_DIR"]"#)
            }
            defer { broken.delete() }
            let failed = try await health(broken, brokenImage)
            #expect(failed.status == 1, "\(failed.all)")
            #expect(failed.all.contains("exited with code 1"), "\(failed.all)")
            #expect(failed.all.contains("before it had run for 5 s"), "\(failed.all)")
            #expect(failed.stdout.contains("KeyError: 'QUEUE_DIR'"), "the container's logs are shown")
        }
    }
}
