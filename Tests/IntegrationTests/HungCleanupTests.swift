import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// The real binary and the real engine behind a CLI that hangs on one cleanup command, as a hung
    /// engine's CLI does: the run still ends in bounded time, by the signal, with its report, and a login
    /// still ends with a logout.
    @Suite struct HungCleanup {
        /// Each cleanup command's limit in these runs (`WORKFLOWS_CLEANUP_TIME_LIMIT`).
        static let cleanupLimit = 8.0

        /// A `docker` that forwards every command to the real one, except those whose arguments start with
        /// `hangOn`: they ignore SIGTERM and never answer. Logs each command line to `log`.
        struct HangingDocker {
            let folder: URL
            let environment: [String: String]

            init(hangOn: String) throws {
                folder = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-hang"))
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let script = folder.appendingPathComponent("docker")
                let real = try #require(
                    ["/usr/bin/docker", "/usr/local/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) })
                try Data("""
                    #!/bin/sh
                    echo "$*" >> "\(folder.path)/log"
                    case "$*" in
                      "\(hangOn)"*)
                        : > "\(folder.path)/hung"
                        trap '' TERM INT
                        while :; do sleep 1; done ;;
                    esac
                    exec \(real) "$@"

                    """.utf8).write(to: script)
                chmod(script.path, 0o755)
                environment = [
                    "WORKFLOWS_DOCKER": script.path, "WORKFLOWS_CLEANUP_TIME_LIMIT": String(Int(HungCleanup.cleanupLimit)),
                    "WORKFLOWS_REPORT_DIR": folder.appendingPathComponent("reports").path,
                ]
            }

            var log: String { (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? "" }
            var hung: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("hung").path) }

            func report() throws -> [String: Any] {
                let data = try Data(contentsOf: folder.appendingPathComponent("reports/report.json"))
                return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            }

            func remove() { try? FileManager.default.removeItem(at: folder) }
        }

        /// Removes with the real CLI what the hung cleanup could not.
        func removeWhatTheRunLeft(_ log: String) async {
            guard let range = log.range(of: "workflows\\.run=[a-z0-9-]+", options: .regularExpression) else { return }
            let label = "label=" + log[range]
            for id in (try? await Harness.docker("ps", "--all", "--quiet", "--filter", label))?.split(separator: "\n") ?? [] {
                _ = try? await Harness.docker("rm", "--force", "--volumes", String(id))
            }
        }

        /// Defect 3 of issue 17: the unwind limit was 10 s, below one cleanup command's limit, and the process
        /// ended before report.json was written.
        @Test func aSignalWhileTheEngineHangsOnRemovalEndsByTheSignalWithItsReport() async throws {
            try await Harness.requireEngine()
            let docker = try HangingDocker(hangOn: "rm ")
            defer { docker.remove() }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-hangapp"))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data("""
                FROM python:3.11-slim
                HEALTHCHECK --interval=30s --start-period=300s CMD ["/bin/sh", "-c", "exit 1"]
                CMD ["python3", "-c", "import time; time.sleep(100000)"]

                """.utf8).write(to: folder.appendingPathComponent("Dockerfile"))
            try Data("*\n".utf8).write(to: folder.appendingPathComponent(".dockerignore"))
            let image = Harness.uniqueName("workflows-it-hang") + ":latest"
            defer { Task { await Harness.removeImage(image) } }
            let run = try Harness.BackgroundRun(
                ["build_dev_image", "assess_image_health", "--image", image, "--health-timeout", "300"],
                in: folder, environment: docker.environment)
            try await run.waitUntil("the health wait began", seconds: 120) { run.printed.contains("to become healthy") }
            let ending = run.stop(SIGINT, limit: 120)
            await removeWhatTheRunLeft(ending.log)
            await Harness.removeImage(image)
            #expect(docker.hung, "the cleanup never reached the hanging rm: \(docker.log)")
            #expect(ending.termination == .signalled(SIGINT), "\(ending.log)")
            #expect(ending.seconds <= Self.cleanupLimit + 5, "from the signal to the end: \(ending.seconds) s\n\(ending.log)")
            let report = try docker.report()
            #expect(report["outcome"] as? String == "interrupted", "\(report)")
            #expect(report["interruptedBy"] as? String == "SIGINT", "\(report)")
            #expect(FileManager.default.fileExists(atPath: docker.folder.appendingPathComponent("reports/junit.xml").path))
            print("a hung rm during the cleanup after SIGINT: ended by the signal after \(String(format: "%.1f", ending.seconds)) s")
        }

        /// Defect 2 of issue 17: once the untagging cleanup ran out of time, the cleanups' runner refused the
        /// logout too, and the registry's token stayed in the CLI's configuration.
        @Test func aHungUntagStillLogsOutOfTheRegistry() async throws {
            let app = try await PassedApp.shared.get()
            try #require(app.run.status == 0, "quality_pipeline did not pass: \(app.run.all)")
            try await Harness.requireRegistry(Harness.authRegistry)
            let docker = try HangingDocker(hangOn: "image rm ")
            defer { docker.remove() }
            let config = docker.folder.appendingPathComponent("config")
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            let repository = "\(Harness.authRegistry)/\(Harness.uniqueName("it"))/numbers-api"
            try await Harness.sh("git", ["checkout", "--quiet", "-B", "main"], in: app.folder)
            let start = Date()
            let run = try await Harness.workflows(
                ["publish_image", "--image", app.image, "--publish-repository", repository], in: app.folder,
                environment: docker.environment.merging([
                    "DOCKER_CONFIG": config.path, "WORKFLOWS_REGISTRY_USER": Harness.registryUser,
                    "WORKFLOWS_REGISTRY_PASSWORD": Harness.registryPassword,
                ]) { $1 })
            let seconds = Date().timeIntervalSince(start)
            await Harness.removeImage("\(repository):latest")
            #expect(docker.hung, "the untag never hung: \(docker.log)")
            #expect(run.status == 0, "\(run.all)")
            #expect(run.stderr.contains("did not finish within \(Int(Self.cleanupLimit)) s"), "\(run.stderr)")
            #expect(docker.log.contains("logout \(Harness.authRegistry)"), "\(docker.log)")
            let saved = (try? String(contentsOf: config.appendingPathComponent("config.json"), encoding: .utf8)) ?? ""
            #expect(!saved.contains(Harness.authRegistry), "the login stayed behind: \(saved)")
            #expect(seconds < 3 * (Self.cleanupLimit + 15 + 30), "a hang guard: \(seconds) s")
        }
    }
}
