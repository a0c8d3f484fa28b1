import Foundation
import Testing

@testable import WorkflowsKit

/// The built binary, signalled, as its parent sees it; no engine needed: WORKFLOWS_DOCKER points at a
/// stand-in for the docker CLI that answers `assess_image_health` and can hang or clean up slowly.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SignalExitTests {
    /// A fake `docker`: logs every command line to `log` in its folder and answers as `mode` says.
    struct FakeDocker {
        let folder: URL
        let environment: [String: String]

        /// `slowCommand`: in `slow-cleanup` mode, the docker subcommand whose first call is the slow one: `ps`
        /// (the first thing a step's cleanup runs), or `logout` (publish_image's cleanup after a login).
        init(mode: String, cleanupSeconds: Int = 2, slowCommand: String = "ps") throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-fake"))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let script = folder.appendingPathComponent("docker")
            try Data(Self.script.utf8).write(to: script)
            chmod(script.path, 0o755)
            environment = [
                "WORKFLOWS_DOCKER": script.path, "FAKE_DOCKER_DIR": folder.path, "FAKE_DOCKER_MODE": mode,
                "FAKE_CLEANUP_SECONDS": String(cleanupSeconds), "FAKE_SLOW_COMMAND": slowCommand,
            ]
        }

        func exists(_ name: String) -> Bool {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
        }

        var log: String {
            (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? ""
        }

        /// Stops what the fake left running (a cleanup that a second signal abandoned), then its folder.
        func remove() {
            if let text = try? String(contentsOf: folder.appendingPathComponent("cleanup.pid"), encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(-pid, SIGKILL)
            }
            try? FileManager.default.removeItem(at: folder)
        }

        // `hang`: the health inspect ignores SIGTERM and never answers; otherwise the container is healthy.
        // `slow-cleanup`: the first FAKE_SLOW_COMMAND (`ps`, the cleanup's first command, by default) takes
        // FAKE_CLEANUP_SECONDS, announced by `cleanup-started`; `cleanup-slept` says it ran to its end.
        // `hung-engine`: from the cleanup's first command (`ps`) on, every command ignores SIGTERM and never
        // answers, as a hung engine's CLI does.
        // Anything else succeeds quietly (build, tag, push, login, exec, cp, rm, image rm), so that
        // assess_image_code and publish_image run through too.
        static let script = #"""
            #!/bin/sh
            dir=$FAKE_DOCKER_DIR
            echo "$*" >> "$dir/log"
            if [ "$FAKE_DOCKER_MODE" = slow-cleanup ] && [ "$1" = "${FAKE_SLOW_COMMAND:-ps}" ] && [ ! -e "$dir/cleanup-started" ]; then
              echo $$ > "$dir/cleanup.pid"
              : > "$dir/cleanup-started"
              sleep "$FAKE_CLEANUP_SECONDS"
              : > "$dir/cleanup-slept"
            fi
            if [ "$FAKE_DOCKER_MODE" = hung-engine ] && { [ "$1" = ps ] || [ -e "$dir/hung" ]; }; then
              : > "$dir/hung"
              trap '' TERM INT
              while :; do sleep 1; done
            fi
            case "$1" in
              version) echo 20.10.24 ;;
              image)
                [ "$2" = inspect ] && echo '[{"Id":"sha256:fake","Config":{"User":"","WorkingDir":"/","Healthcheck":{"Test":["CMD","true"]}}}]' ;;
              run) echo fakecontainer ;;
              container)
                if [ "$FAKE_DOCKER_MODE" = hang ]; then
                  trap '' TERM INT
                  : > "$dir/ready"
                  while :; do sleep 1; done
                fi
                echo '{"Status":"running","Running":true,"ExitCode":0,"Health":{"Status":"healthy","Log":[]}}' ;;
              ps) grep -q '^rm ' "$dir/log" || echo fakecontainer ;;
            esac
            exit 0
            """#
    }

    /// bash's `$?` after `wait` is 128 + N only when the child died by signal N (or chose that status);
    /// the time is from the signal to the exit, through the 2 s grace the stubborn inspect needs.
    @Test(arguments: [(SIGINT, "INT"), (SIGTERM, "TERM")])
    func aShellSeesTheRunDieByTheSignalAfterItsCleanup(signal: Int32, name: String) async throws {
        let fake = try FakeDocker(mode: "hang")
        defer { fake.remove() }
        let script = """
            "$0" assess_image_health --image fake:1 >"$1/out" 2>&1 & pid=$!
            i=0; until [ -e "$1/ready" ] || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
            start=$(date +%s%N)
            kill -\(name) $pid; wait $pid; status=$?
            echo "status=$status ms=$(( ($(date +%s%N) - start) / 1000000 ))"
            """
        let output = try await Harness.runner.run(
            Command("bash", ["-c", script, try Harness.binary().path, fake.folder.path], environment: fake.environment,
                    workingDirectory: fake.folder.path))
        var fields: [String: String] = [:]
        for field in output.outputText.split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        let printed = (try? String(contentsOf: fake.folder.appendingPathComponent("out"), encoding: .utf8)) ?? ""
        #expect(fields["status"] == String(ExitCode.signal(signal)), "\(output.outputText)\n\(printed)")
        #expect(fake.log.contains("rm --force --volumes fakecontainer"), "no cleanup: \(fake.log)")
        #expect(printed.contains("received: stopping the running commands"))
        let milliseconds = try #require(fields["ms"].flatMap { Int($0) })
        #expect(milliseconds < 60_000, "a hang guard")
        print("SIG\(name) to exit, through a child that ignores SIGTERM: \(milliseconds) ms")
    }

    @Test func aSignalDuringTheCleanupLetsItFinishThenEndsTheRunByTheSignal() async throws {
        let fake = try FakeDocker(mode: "slow-cleanup")
        defer { fake.remove() }
        let run = try Harness.BackgroundRun(
            ["assess_image_health", "--image", "fake:1"], in: fake.folder, environment: fake.environment)
        try await run.waitUntil("the cleanup started") { fake.exists("cleanup-started") }
        let (termination, log) = run.signal(SIGINT)
        #expect(termination == .signalled(SIGINT), "\(log)")
        #expect(fake.log.contains("rm --force --volumes fakecontainer"), "the cleanup was cut short: \(fake.log)")
    }

    @Test func aSecondSignalEndsTheRunAtOnce() async throws {
        let fake = try FakeDocker(mode: "slow-cleanup", cleanupSeconds: 120)
        defer { fake.remove() }
        let run = try Harness.BackgroundRun(
            ["assess_image_health", "--image", "fake:1"], in: fake.folder, environment: fake.environment)
        try await run.waitUntil("the cleanup started") { fake.exists("cleanup-started") }
        run.send(SIGTERM)
        try await Task.sleep(nanoseconds: 300_000_000)
        let start = Date()
        let (termination, log) = run.signal(SIGINT)
        #expect(termination == .signalled(SIGTERM), "the first signal decides how it ends: \(log)")
        #expect(Date().timeIntervalSince(start) < 60, "a hang guard: the cleanup alone takes 120 s")
        #expect(!fake.log.contains("rm --force"))
    }

    /// Each cleanup command has 30 s; after one ran out, the rest of the cleanup does not wait for the same
    /// hung engine again (it would be 30 s per command).
    @Test func aHungEngineCostsTheCleanupOneTimeLimitNotOnePerCommand() async throws {
        let fake = try FakeDocker(mode: "hung-engine")
        defer { fake.remove() }
        let start = Date()
        let run = try await Harness.workflows(["assess_image_health", "--image", "fake:1"], in: fake.folder, environment: fake.environment)
        let seconds = Date().timeIntervalSince(start)
        #expect(run.status == 0, "the step passed before the engine hung: \(run.all)")
        #expect(seconds < 45, "\(seconds) s")
        #expect(run.stderr.contains("did not finish within 30 s"), "\(run.stderr)")
        #expect(run.stderr.contains("the rest of the cleanup does not ask docker again"), "\(run.stderr)")
        let afterHang = fake.log.split(separator: "\n").drop { !$0.hasPrefix("ps ") }.dropFirst()
        #expect(afterHang.isEmpty, "asked the hung engine again: \(afterHang)")
        print("a hung engine during the cleanup: the run ended after \(String(format: "%.1f", seconds)) s")
    }
}
