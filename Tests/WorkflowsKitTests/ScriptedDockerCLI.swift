import Foundation
import Testing

@testable import WorkflowsKit

/// A scripted docker engine and git checkout behind the recording runner, for driving steps in unit tests.
final class ScriptedDockerCLI: @unchecked Sendable {
    static let commit = "0123456789abcdef0123456789abcdef01234567"
    static let imageID = "sha256:" + String(repeating: "a", count: 64)
    static let healthcheck = #"{"Test":["CMD","python","-c","probe"]}"#

    private let lock = NSLock()
    var engineAnswers = true
    var imageExists = true
    var healthcheckJSON: String = ScriptedDockerCLI.healthcheck
    var user = "thenumbers"
    /// `docker container inspect` answers, one per poll; the last repeats.
    var states: [String] = [ScriptedDockerCLI.state("running", health: "healthy")]
    var failingCommands: Set<String> = []
    var gitRepository = true
    var dirty = false
    var origin: String? = "git@github.com:Owner/Numbers-API.git"
    var loginSucceeds = true
    var loginInput = ""
    var branch = "main"
    var exactTag: String?
    var knownTags: [String] = []
    var passRecordImageID: String?
    /// The Dockerfile the last `build` was given (`--file`), as it was at the time.
    var builtDockerfile = ""
    /// Whether `docker exec` of the health probe passes.
    var probeSucceeds = false
    /// The image's `EXPOSE`d ports (`8080/tcp`), its CMD and its ENV entries, for the health plan.
    var exposedPorts: [String] = []
    var startCommand: [String] = []
    var imageEnvironment: [String] = []
    /// `docker exec` answers (exit status, stdout), one per exec; the last repeats. Empty: `probeSucceeds`.
    var execAnswers: [(status: Int32, output: String)] = []
    private var execs = 0
    /// Whether sealed gate tools are already cached (a seal not created in this engine's life then names
    /// `cachedTools`).
    var toolsCached = true
    static let cachedTools = "workflows-gate-tools-cached"
    /// The volumes created, by name, with their labels. `volume create` of an existing name keeps the
    /// first one's labels, as Docker does.
    var volumes: [String: [String: String]] = [:]
    /// Whether `pip install` of the gates' tools fails.
    var toolsInstallFails = false
    /// Whether the buildx plugin answers (the CLI then builds with BuildKit).
    var buildxAnswers = false
    /// What `build` prints (the legacy builder's steps, for the images it made), and whether it fails.
    var buildOutput = ""
    var buildFails = false
    /// What `image ls --filter dangling=true` lists.
    var danglingImages: [String] = []
    private var polls = 0

    static func state(_ status: String, health: String?, exitCode: Int = 0, probe: String = "probe said no") -> String {
        let healthJSON = health.map {
            #","Health":{"Status":"\#($0)","Log":[{"ExitCode":1,"Output":"\#(probe)"}]}"#
        } ?? ""
        return #"{"Status":"\#(status)","ExitCode":\#(exitCode),"OOMKilled":false\#(healthJSON)}"#
    }

    lazy var runner = RecordingRunner { [unowned self] command in self.answer(command) }

    /// When set, git commands go to it (a real git on a real checkout) instead of the scripted answers.
    var realGit: (any ProcessRunning)?

    private func answer(_ command: Command) -> ProcessOutput {
        if command.executable == "git", let realGit = lock.withLock({ self.realGit }) {
            return (try? realGit.runBlocking(command)) ?? .fail(127, stderr: "git could not be started")
        }
        return lock.withLock {
            if command.arguments.first == "login" { loginInput = String(decoding: command.standardInput ?? Data(), as: UTF8.self) }
            switch command.executable {
            case "git": return git(command.arguments)
            // The host-side gates: `python3 -m TOOL …`, which pass.
            case Project.hostPython: return command.arguments.first == "-m" ? .ok() : .fail(125, stderr: "fake python: not modelled")
            default: return docker(command.arguments)
            }
        }
    }

    private func docker(_ arguments: [String]) -> ProcessOutput {
        guard let verb = arguments.first else { return .fail() }
        if failingCommands.contains(verb) { return .fail(1, stderr: "\(verb) failed on purpose") }
        if verb == "build", let index = arguments.firstIndex(of: "--file"), index + 1 < arguments.count {
            builtDockerfile = (try? String(contentsOfFile: arguments[index + 1], encoding: .utf8)) ?? ""
        }
        switch verb {
        case "--version":
            return .ok("Docker version 28.2.2, build e6534b4")
        case "buildx" where arguments.dropFirst().first == "version":
            return buildxAnswers ? .ok("github.com/docker/buildx 0.13.1") : .fail(1, stderr: "docker: 'buildx' is not a docker command.")
        case "builder" where arguments.dropFirst().first == "prune":
            return .ok("Deleted build cache objects:\nabc\nTotal:\t120.3MB")
        case "build":
            return buildFails ? .fail(1, stderr: buildOutput) : .ok(buildOutput)
        case "image" where arguments.contains("dangling=true") && !arguments.contains { $0.hasPrefix("label=") }:
            return .ok(danglingImages.joined(separator: "\n"))
        case "version":
            return engineAnswers ? .ok("20.10.24") : .fail(1, stderr: "Cannot connect to the Docker daemon")
        case "image" where arguments.dropFirst().first == "inspect":
            guard imageExists else { return .fail(1, stderr: "Error: No such image: x") }
            if arguments.count == 3 {
                let health = healthcheckJSON == "null" ? "" : #","Healthcheck":\#(healthcheckJSON)"#
                let labels = #"{"commit":"\#(Self.commit)","workflows.tree":"\#(treeLabel)"}"#
                return .ok(#"[{"Id":"\#(Self.imageID)","Config":{"User":"\#(user)","WorkingDir":"/home/app","Labels":\#(labels)\#(health)\#(startJSON)}}]"#)
            }
            let format = arguments[3]
            if format.contains("RepoDigests"), let reference = arguments.last {
                let repository = reference[..<(reference.lastIndex(of: ":") ?? reference.endIndex)]
                return .ok(#"["\#(repository)@sha256:\#(String(repeating: "d", count: 64))"]"#)
            }
            return .ok(Self.imageID)
        case "container" where arguments.dropFirst().first == "inspect":
            let state = states[min(polls, states.count - 1)]
            polls += 1
            return .ok(state)
        case "run" where arguments.contains("--detach"):
            return .ok("c0ffee")
        case "run" where arguments.last == GateTools.installScript:
            return toolsInstallFails ? .fail(1, stderr: "ERROR: No matching distribution found for black==99") : .ok()
        case "volume":
            return volume(Array(arguments.dropFirst()))
        case "exec":
            if !execAnswers.isEmpty {
                let answer = execAnswers[min(execs, execAnswers.count - 1)]
                execs += 1
                return ProcessOutput(termination: .exited(answer.status), standardOutput: Data(answer.output.utf8))
            }
            return probeSucceeds ? .ok() : .fail(1, stderr: "connection refused")
        case "logs":
            return .ok("app: listening")
        case "ps", "image":
            // Only what carries the filtered label: the cleanup must ask for its own run's things.
            guard let filter = arguments.first(where: { $0.hasPrefix("label=") }) else { return .ok() }
            return .ok((verb == "ps" ? "container-" : "image-") + filter.dropFirst("label=workflows.run=".count))
        case "login":
            // A CLI that echoes what it was given, so that redaction is what keeps a password out of sight.
            return loginSucceeds ? .ok("Login Succeeded") : .fail(1, stderr: "login as \(loginInput) refused: 401 Unauthorized")
        case "push":
            let tag = arguments.last?.split(separator: ":").last ?? ""
            return .ok("\(tag): digest: sha256:\(String(repeating: "b", count: 64)) size: 1570")
        case "tag", "rm", "rmi", "cp", "info", "run", "logout", "stop", "kill", "network", "top":
            return .ok()
        default:
            // A command this fake does not model fails, so that no test passes on one the real CLI would reject.
            ScriptedDockerCLI.unmodelled(arguments)
            return .fail(125, stderr: "fake engine: '\(arguments.joined(separator: " "))' is not modelled")
        }
    }

    private static func unmodelled(_ arguments: [String]) {
        if let path = ProcessInfo.processInfo.environment["FAKE_ENGINE_UNMODELLED_LOG"],
            let handle = FileHandle(forWritingAtPath: path)
        {
            handle.seekToEndOfFile()
            handle.write(Data((arguments.joined(separator: " ") + "\n").utf8))
            try? handle.close()
        }
    }

    /// `ExposedPorts`, `Cmd` and `Env` of the image's `Config`, as `docker image inspect` writes them.
    private var startJSON: String {
        func json(_ value: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: value)) ?? Data("null".utf8), as: UTF8.self)
        }
        var fields = ""
        if !exposedPorts.isEmpty { fields += #","ExposedPorts":"# + json(Dictionary(uniqueKeysWithValues: exposedPorts.map { ($0, [String: String]()) })) }
        if !startCommand.isEmpty { fields += #","Cmd":"# + json(startCommand) }
        if !imageEnvironment.isEmpty { fields += #","Env":"# + json(imageEnvironment) }
        return fields
    }

    private func volume(_ arguments: [String]) -> ProcessOutput {
        switch arguments.first {
        case "create":
            guard let name = arguments.last else { return .fail() }
            var labels: [String: String] = [:]
            for (index, word) in arguments.enumerated() where word == "--label" && index + 1 < arguments.count {
                let pair = arguments[index + 1].split(separator: "=", maxSplits: 1).map(String.init)
                labels[pair[0]] = pair.count > 1 ? pair[1] : ""
            }
            if volumes[name] == nil { volumes[name] = labels }
            return .ok(name)
        case "inspect":
            guard let formatIndex = arguments.firstIndex(of: "--format"), formatIndex + 1 < arguments.count else {
                return .fail()
            }
            let format = arguments[formatIndex + 1]
            let names = Array(arguments[(formatIndex + 2)...])
            let known = { (name: String) in self.volumes[name] != nil || (self.toolsCached && name.hasPrefix("workflows-gate-")) }
            guard names.allSatisfy(known) else { return .fail(1, stderr: "Error: no such volume") }
            if format.contains(EngineLabels.sealedTools) {
                // `{{.Name}} {{index .Labels "…tools"}}`: each volume's name, then the tools it seals.
                return .ok(names.map { "\($0) " + (volumes[$0]?[EngineLabels.sealedTools] ?? Self.cachedTools) }.joined(separator: "\n"))
            }
            return .ok(names.joined(separator: "\n"))
        case "ls":
            // Only what carries the filtered run label: the cleanup must ask for its own run's things.
            if let filter = arguments.first(where: { $0.hasPrefix("label=workflows.run=") }) {
                return .ok("volume-" + filter.dropFirst("label=workflows.run=".count))
            }
            guard let filter = arguments.first(where: { $0.hasPrefix("label=") }) else { return .ok() }
            let pair = filter.dropFirst("label=".count).split(separator: "=", maxSplits: 1).map(String.init)
            let names = volumes.filter { pair.count == 2 ? $0.value[pair[0]] == pair[1] : $0.value[pair[0]] != nil }.keys
            return .ok(names.sorted().joined(separator: "\n"))
        case "rm":
            for name in arguments.dropFirst() where !name.hasPrefix("--") { volumes[name] = nil }
            return .ok()
        default:
            return .ok()
        }
    }

    private func git(_ arguments: [String]) -> ProcessOutput {
        guard gitRepository else { return .fail(128, stderr: "fatal: not a git repository") }
        switch arguments {
        case ["rev-parse", "--verify", "HEAD"]: return .ok(Self.commit)
        case ["rev-parse", "--abbrev-ref", "HEAD"]: return .ok(branch)
        case ["describe", "--tags"]: return exactTag.map { .ok($0) } ?? .fail(128)
        case ["tag", "--points-at", "HEAD"]: return .ok(exactTag ?? "")
        case let status where status.starts(with: ["status", "--porcelain"]): return .ok(dirty ? " M app/thenumbers/app.py" : "")
        case ["remote", "get-url", "origin"]: return origin.map { .ok($0) } ?? .fail(2, stderr: "error: No such remote 'origin'")
        case ["tag", "--list"]: return .ok(knownTags.joined(separator: "\n"))
        case ["rev-parse", "--absolute-git-dir"]: return gitDirectory.map { .ok($0.path) } ?? .fail(128)
        default: return .fail(1)
        }
    }

    var gitDirectory: URL?

    /// The `workflows.tree` label of the image: what the last build wrote, else what `dirty` implies.
    private var treeLabel: String {
        let pattern = #""workflows.tree"="([a-z]+)""#
        guard let match = builtDockerfile.range(of: pattern, options: .regularExpression) else {
            return dirty ? "dirty" : "clean"
        }
        return builtDockerfile[match].split(separator: "\"").last.map(String.init) ?? "unknown"
    }
}

/// The fake itself: what it does not model fails, as the real CLI fails on what it does not know.
@Suite struct ScriptedDockerCLITests {
    @Test func aCommandTheFakeDoesNotModelFails() async throws {
        let engine = ScriptedDockerCLI()
        let unknown = try await engine.runner.run(Command("docker", ["buildx", "bake"]))
        #expect(unknown.termination == .exited(125))
        #expect(unknown.errorText.contains("not modelled"))
        let python = try await engine.runner.run(Command(Project.hostPython, ["-c", "print(1)"]))
        #expect(python.termination == .exited(125))
        #expect(try await engine.runner.run(Command("docker", ["--version"])).succeeded)
    }
}
