import Foundation
import Testing

@testable import WorkflowsKit

@Suite struct GivingUpRunnerTests {
    final class Reports: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
    }

    /// A base runner whose `docker ps` runs out of its time limit.
    struct TimingOut: ProcessRunning {
        let recording = RecordingRunner()
        func run(_ command: Command) async throws -> ProcessOutput { try runBlocking(command) }
        func runBlocking(_ command: Command) throws -> ProcessOutput {
            let output = try recording.runBlocking(command)
            if command.arguments.first == "ps" {
                throw ProcessTimedOut(executable: command.executable, seconds: 30, output: output)
            }
            return output
        }
    }

    @Test func afterOneTimeOutTheSameProgramIsNotAskedAgain() async throws {
        let base = TimingOut()
        let reports = Reports()
        let runner = GivingUpRunner(base) { reports.add($0) }
        #expect(try runner.runBlocking(Command("docker", ["image", "ls"])).succeeded)
        #expect(throws: ProcessTimedOut.self) { try runner.runBlocking(Command("docker", ["ps", "--all"])) }
        #expect(throws: GivingUpRunner.GaveUp(executable: "docker")) { try runner.runBlocking(Command("docker", ["rm", "x"])) }
        await #expect(throws: GivingUpRunner.GaveUp(executable: "docker")) { try await runner.run(Command("docker", ["version"])) }
        #expect(try runner.runBlocking(Command("git", ["status"])).succeeded, "another program is still asked")
        #expect(base.recording.commands.map(\.arguments) == [["image", "ls"], ["ps", "--all"], ["status"]])
        #expect(reports.lines == [
            "workflows: 'docker ps --all' did not finish within 30 s: the rest of the cleanup does not ask docker "
                + "again. Once the engine answers, 'workflows clean' removes what is left.",
        ])
    }

    @Test func anEssentialCommandRunsEvenAfterItsProgramWasGivenUp() async throws {
        let base = TimingOut()
        let essential = RecordingRunner()
        let runner = GivingUpRunner(base, essential: essential) { _ in }
        #expect(throws: ProcessTimedOut.self) { try runner.runBlocking(Command("docker", ["ps", "--all"])) }
        #expect(throws: GivingUpRunner.GaveUp(executable: "docker")) { try runner.runBlocking(Command("docker", ["rm", "x"])) }
        #expect(try runner.runEssential(Command("docker", ["logout", "registry.example"])).succeeded)
        #expect(essential.commands.map(\.arguments) == [["logout", "registry.example"]], "with its own runner and limit")
        #expect(base.recording.commands.map(\.arguments) == [["ps", "--all"]])
    }

    /// publish_image's logout after the untagging cleanup ran out of time: the credential still goes, and
    /// a logout that fails is said.
    @Test func aHungUntagDoesNotKeepTheLogoutFromRunning() async throws {
        for logoutWorks in [true, false] {
            let git = FakeGit()
            git.gitDirectory = try TemporaryFolder.make()
            // The docker CLI's answers to what publish_image runs through DockerEngine and its cleanups.
            let runner = RecordingRunner { command in
                guard command.executable == "docker" else { return git.runner.runBlockingAnswer(command) }
                switch command.arguments {
                case DockerArguments.version(): return .ok("20.10.24")
                case DockerArguments.inspectImage("numbers-api:latest"):
                    return .ok(#"[{"Id":"\#(FakeEngine.imageID)","Config":{}}]"#)
                case ["logout", "127.0.0.1:5000"]: return logoutWorks ? .ok() : .fail(1, stderr: "logout failed on purpose")
                default: return .ok()
                }
            }
            let hung = HungOn(["image", "rm"], base: runner)
            let cleanupRunner = GivingUpRunner(hung, essential: runner) { _ in }
            let console = try CapturedConsole()
            let status = await Workflows.run(
                arguments: ["publish_image", "--publish-repository", "127.0.0.1:5000/o/app", "--allow-unverified-image"],
                environment: ["WORKFLOWS_REGISTRY_USER": "u", "WORKFLOWS_REGISTRY_PASSWORD": "p"],
                runner: runner, console: console.console,
                cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: cleanupRunner),
                currentFolder: try NumbersAPIShape.make(), runID: "testrun")
            #expect(status == 0, "\(console.all)")
            let argvs = runner.argvs()
            let push = try #require(argvs.firstIndex { $0.first == "push" })
            let logout = try #require(argvs.lastIndex { $0.first == "logout" }, "no logout: \(argvs)")
            #expect(push < logout)
            #expect(hung.hits == 1, "the untag ran out of time once, then its program was not asked again")
            #expect(console.stderr.contains("Could not log out of 127.0.0.1:5000") == !logoutWorks, "\(console.stderr)")
        }
    }

    /// Delegates to `base`, but a command that starts with `prefix` runs out of its time limit.
    final class HungOn: ProcessRunning, @unchecked Sendable {
        let prefix: [String]
        let base: any ProcessRunning
        private let lock = NSLock()
        private var count = 0
        var hits: Int { lock.withLock { count } }

        init(_ prefix: [String], base: any ProcessRunning) {
            self.prefix = prefix
            self.base = base
        }

        func run(_ command: Command) async throws -> ProcessOutput { try runBlocking(command) }
        func runBlocking(_ command: Command) throws -> ProcessOutput {
            if Array(command.arguments.prefix(prefix.count)) == prefix {
                lock.withLock { count += 1 }
                throw ProcessTimedOut(executable: command.executable, seconds: 30, output: ProcessOutput(termination: .signalled(SIGKILL)))
            }
            return try base.runBlocking(command)
        }
    }

    @Test func theUnwindLimitExceedsEveryCleanupLimitAddedUp() {
        for limits in [CleanupLimits(), CleanupLimits(environment: ["WORKFLOWS_CLEANUP_TIME_LIMIT": "120"])] {
            #expect(limits.unwind > limits.grace + limits.command + limits.grace + limits.essential + limits.grace)
        }
        #expect(CleanupLimits(environment: ["WORKFLOWS_CLEANUP_TIME_LIMIT": "120"]).command == 120)
        #expect(CleanupLimits(environment: ["WORKFLOWS_CLEANUP_TIME_LIMIT": "-1"]).command == 30)
        #expect(CleanupLimits(environment: ["WORKFLOWS_CLEANUP_TIME_LIMIT": "soon"]).command == 30)
    }
}
