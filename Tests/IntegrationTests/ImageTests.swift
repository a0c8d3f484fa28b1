import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// The production image itself: what a careful team ships.
    @Suite struct Image {
        @Test func itBecomesHealthyWithinTenSecondsAndServesTheNumbers() async throws {
            let app = try await PassedApp.shared.get()
            try #require(app.run.status == 0, "\(app.run.all)")
            let health = try await Harness.workflows(
                ["assess_image_health", "--image", app.image, "--health-timeout", "10"], in: app.folder)
            #expect(health.status == 0, "not healthy within 10 s: \(health.all)")

            let name = Harness.uniqueName("workflows-it-serve")
            try await Harness.docker("run", "--detach", "--name", name, "--label", "workflows.run=it-\(name)", app.image)
            defer { _ = try? Harness.runner.runBlocking(Command("docker", ["rm", "--force", name])) }
            let fetch = """
                import sys, time, urllib.request
                for _ in range(100):
                    try:
                        print(urllib.request.urlopen('http://127.0.0.1:5000' + sys.argv[1], timeout=2).read().decode())
                        break
                    except OSError:
                        time.sleep(0.1)
                """
            var evens: [String] = []
            for _ in 0..<3 { evens.append(try await Harness.docker("exec", name, "python", "-c", fetch, "/even")) }
            #expect(evens == ["0", "2", "4"])
            let random = try await Harness.docker("exec", name, "python", "-c", fetch, "/random")
            #expect((Int(random) ?? 0) > 0, "/random answered '\(random)'")
            let logs = try await Harness.runner.run(Command("docker", ["logs", name]))
            #expect(logs.errorText.contains("gunicorn"), "not served by gunicorn: \(logs.errorText)")
            #expect(!logs.errorText.contains("Debugger is active") && !logs.outputText.contains("PATH="))
        }

        @Test func itWeighsAtMost25MBMoreThanItsBase() async throws {
            let app = try await PassedApp.shared.get()
            let base = try await Harness.docker("image", "inspect", "--format", "{{.Size}}", "python:3.11-slim")
            let image = try await Harness.docker("image", "inspect", "--format", "{{.Size}}", app.image)
            let added = (Int(image) ?? .max) - (Int(base) ?? 0)
            #expect(added <= 25 * 1_000_000, "the image adds \(added) bytes to its base")
        }

        @Test func itHoldsOnlyTheAppAndNoLitter() async throws {
            let app = try await PassedApp.shared.get()
            let files = try await Harness.docker(
                "run", "--rm", app.image, "sh", "-c",
                "find /home/thenumbers /opt/venv -name '*.pyc'; "
                    + "find /home/thenumbers -name tests -o -name 'requirements*.txt' -o -name '.*cache'")
            #expect(files.isEmpty, "unexpected files in the image: \(files)")
            let home = try await Harness.docker("run", "--rm", app.image, "ls", "-A", "/home/thenumbers")
            #expect(Set(home.split(separator: "\n")).isSubset(of: [".bash_logout", ".bashrc", ".profile", "gunicorn.conf.py", "thenumbers"]), "\(home)")
        }

        @Test func theBuildContextStaysSmallWhateverBuildAndGitHold() async throws {
            try await Harness.requireEngine()
            let folder = try await Harness.appCopy()
            let junk = Data(repeating: 0x78, count: 3_000_000)
            for path in [".build/debug/big.bin", ".git/big.bin", "app/.mypy_cache/big.bin"] {
                let url = folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try junk.write(to: url)
            }
            let image = Harness.uniqueName("workflows-it-context") + ":latest"
            let run = try await Harness.workflows(["build_dev_image", "--image", image], in: folder)
            await Harness.removeImage(image)
            #expect(run.status == 0, "\(run.all)")
            let size = try #require(Self.contextTransfer(in: run.all), "no build context size in \(run.all)")
            #expect(size < 1_000_000, "the build context is not under 1 MB: \(size) bytes")
        }

        /// The bytes the build sent as its context. The legacy builder says "Sending build context to Docker
        /// daemon  12.29kB"; BuildKit says "#5 transferring context: 2.74kB done" under its step "#5
        /// [internal] load build context", where its "[internal] load .dockerignore" step says "transferring
        /// context" too: only the context's own step counts (its last line, the total).
        static func contextTransfer(in output: String) -> Double? {
            let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            let line: String?
            if let legacy = lines.last(where: { $0.contains("Sending build context to Docker daemon") }) {
                line = legacy
            } else if let heading = lines.first(where: { $0.hasSuffix("[internal] load build context") }),
                let step = heading.split(separator: " ").first
            {
                line = lines.last { $0.hasPrefix("\(step) transferring context:") }
            } else {
                line = nil
            }
            guard let line, let range = line.range(of: #"[0-9.]+[kMG]?B\b"#, options: .regularExpression) else { return nil }
            let size = line[range]
            let units: [(String, Double)] = [("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("B", 1)]
            guard let (unit, factor) = units.first(where: { size.hasSuffix($0.0) }),
                let value = Double(size.dropLast(unit.count))
            else { return nil }
            return value * factor
        }

        @Test func theContextSizeIsReadFromTheContextsOwnTransferUnderBothBuilders() {
            let buildKit = """
                #3 [internal] load .dockerignore
                #3 transferring context: 212B done
                #5 [internal] load build context
                #5 transferring context: 1.50MB 0.5s
                #5 transferring context: 3.74MB 1.0s done
                """
            #expect(Self.contextTransfer(in: buildKit) == 3_740_000)
            #expect(Self.contextTransfer(in: "Sending build context to Docker daemon  12.29kB\nStep 1/9 : FROM x") == 12_290)
            #expect(Self.contextTransfer(in: "#3 [internal] load .dockerignore\n#3 transferring context: 212B done") == nil)
        }
    }
}
