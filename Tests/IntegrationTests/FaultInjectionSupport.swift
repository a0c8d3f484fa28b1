import Foundation
import Testing

@testable import WorkflowsKit

/// What the fault-injection suite (FaultInjectionTests.swift) shares: the images it reuses across cases,
/// a sandbox per case, the search for what a run left behind, a throwaway engine and a throwaway registry,
/// and the figures it prints at the end.
enum Faults {
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGKILL: return "SIGKILL"
        default: return "signal \(signal)"
        }
    }

    /// Polls `condition` every 0.1 s for up to `seconds`; an issue, and a throw, at the deadline.
    static func waitFor(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("timed out after \(Int(seconds)) s waiting until \(what)")
        throw CancellationError()
    }

    /// A command's stdout (trimmed), whatever its status: the leftover queries must not stop a test.
    static func query(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async -> String {
        (try? await Harness.runner.run(Command(executable, arguments, environment: environment)))?.outputText ?? ""
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    /// True while `pid` exists and is not a zombie (an orphan's zombie waits for PID 1 to reap it).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    // MARK: - The moment a process has its signal handlers

    /// True once `pid` catches both SIGINT and SIGTERM (`SigCgt` in /proc): workflows' handlers are in.
    static func catchesSignals(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
            let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        let wanted = (UInt64(1) << UInt64(SIGINT - 1)) | (UInt64(1) << UInt64(SIGTERM - 1))
        return mask & wanted == wanted
    }

    /// The children `pid` has now (every thread's).
    static func children(of pid: Int32) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").map(String.init)
        }
    }

    /// Waits, polling every millisecond, until the run has its handlers: the earliest moment a signal is
    /// workflows' to handle. Returns the children it had then (normally none: no command has started).
    static func waitForHandlers(_ run: Harness.BackgroundRun) async throws -> [String] {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if catchesSignals(run.pid) { return children(of: run.pid) }
            if run.hasExited { break }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        Issue.record("workflows never caught SIGINT and SIGTERM:\n\(run.printed)")
        throw CancellationError()
    }

    // MARK: - What a run left behind

    /// The processes still alive that carry `marker` in their environment: a run's children inherit it.
    static func processes(carrying marker: String) -> [String] {
        let needle = Data("WORKFLOWS_FAULT_CASE=\(marker)\0".utf8)
        let own = String(getpid())
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.first?.isNumber == true && $0 != own }.compactMap { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                environment.range(of: needle) != nil
            else { return nil }
            let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map {
                String(decoding: $0, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            }
            return "process \(pid): \(command ?? "?")"
        }
    }

    /// The same, given up to `seconds` to go: a child that was sent SIGKILL a moment ago may still be exiting.
    static func processesLeft(carrying marker: String, seconds: Double = 2) async -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        var found = processes(carrying: marker)
        while !found.isEmpty, Date() < deadline {
            try? await Task.sleep(nanoseconds: 100_000_000)
            found = processes(carrying: marker)
        }
        return found
    }

    /// What the engine still holds of run `id`: containers, images (intermediate ones too) and volumes
    /// labelled with it (or with a scoped `id-health`, `id-wheels`), its unsealed tools' install, and its
    /// temporary tags.
    static func engineLeftovers(of id: String, environment: [String: String] = [:]) async -> [String] {
        var found: [String] = []
        for label in ["workflows.run=\(id)", "workflows.run=\(id)-health", "workflows.run=\(id)-wheels"] {
            for container in lines(await query("docker", ["ps", "--all", "--format", "{{.ID}} {{.Names}}", "--filter", "label=\(label)"], environment: environment)) {
                found.append("container \(container) (\(label))")
            }
            for image in lines(await query("docker", ["image", "ls", "--all", "--quiet", "--filter", "label=\(label)"], environment: environment)) {
                found.append("image \(image) (\(label))")
            }
            for volume in lines(await query("docker", ["volume", "ls", "--quiet", "--filter", "label=\(label)"], environment: environment)) {
                found.append("volume \(volume) (\(label))")
            }
        }
        // A gate tools' install the run made and never sealed.
        for volume in lines(await query("docker", ["volume", "ls", "--quiet", "--filter", "label=\(EngineLabels.installer)=\(id)"], environment: environment)) {
            let seals = await query("docker", ["volume", "ls", "--quiet", "--filter", "label=\(EngineLabels.sealedTools)=\(volume)"], environment: environment)
            if seals.isEmpty { found.append("volume \(volume) (unsealed install)") }
        }
        for repository in [EngineLabels.assessedRepository, "workflows-gates"] {
            let tags = lines(await query("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository], environment: environment))
            found += tags.filter { $0 == "\(repository):\(id)" }.map { "tag \($0)" }
        }
        return found
    }

    /// Local tags of `repository` (`docker image ls REPO`): a publish must leave none.
    static func localTags(of repository: String) async -> [String] {
        lines(await query("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository]))
            .map { "local tag \($0)" }
    }

    /// The run's temporary folders: `workflows-*-ID-*` in /tmp (the default) and anything at all in the
    /// case's own TMPDIR.
    static func folderLeftovers(of id: String?, sandbox: Sandbox) -> [String] {
        var found = ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.temporary.path)) ?? [])
            .map { "folder \(sandbox.temporary.path)/\($0)" }
        if let id {
            found += ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [])
                .filter { $0.hasPrefix("workflows-") && $0.contains("-\(id)-") }
                .map { "folder /tmp/\($0)" }
        }
        return found
    }

    /// The images the interrupted build's steps committed (the legacy builder's and Podman's step IDs in its
    /// output) that are still on the engine.
    static func buildImagesLeft(in log: String) async -> [String] {
        var left: [String] = []
        for id in BuildLeftovers.imagesMade(by: log) {
            let answer = try? await Harness.runner.run(Command("docker", ["image", "inspect", "--format", "{{.Id}}", id]))
            if answer?.succeeded == true { left.append("image \(id), committed by the interrupted build") }
        }
        return left
    }

    /// The build containers a legacy `docker build` printed (` ---> Running in ID`) that are still there
    /// `settle` seconds after the exit. They carry no label of the run's, and they are the engine's to
    /// remove: when the CLI is stopped, the engine cancels the build and stops and removes its container on
    /// its own, a moment after the CLI (and so workflows) has gone. Returns, too, how long that took, and
    /// the states they were seen in at the exit.
    static func buildContainersLeft(in log: String, settle: Double = 10) async -> (left: [String], seconds: Double, seen: [String]) {
        guard let pattern = try? NSRegularExpression(pattern: "Running in ([0-9a-f]{12})") else { return ([], 0, []) }
        let ids = Set(pattern.matches(in: log, range: NSRange(log.startIndex..., in: log)).compactMap {
            Range($0.range(at: 1), in: log).map { String(log[$0]) }
        })
        func state(_ id: String) async -> String? {
            let answer = try? await Harness.runner.run(Command("docker", ["container", "inspect", "--format", "{{.State.Status}}", id]))
            return answer?.succeeded == true ? answer?.outputText : nil
        }
        let start = Date()
        var seen: [String] = []
        var left: [String] = []
        for id in ids {
            var first = true
            while let status = await state(id) {
                if first { seen.append(status) }
                first = false
                guard Date().timeIntervalSince(start) < settle else {
                    left.append("build container \(id) (\(status) \(Int(settle)) s after the exit)")
                    break
                }
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
        }
        return (left, seen.isEmpty ? 0 : Date().timeIntervalSince(start), seen)
    }

    // MARK: - The figures

    /// One case's result, for the table and the summary.
    struct Result: Sendable {
        var name: String
        var ending: String
        var seconds: Double?
        var clean: Bool
        /// A signal's case (its time to exit is bounded by 15 s), or a stopped engine's or registry's.
        var bySignal: Bool
    }
}

extension Harness.BackgroundRun {
    /// `stop`, waited for on a thread of its own: not on one of Swift concurrency's few threads, which a
    /// wait of a minute would hold (two, on this machine).
    func ending(_ signal: Int32?, limit: Double) async -> Ending {
        await withCheckedContinuation { (done: CheckedContinuation<Ending, Never>) in
            Thread.detachNewThread { done.resume(returning: self.stop(signal, limit: limit)) }
        }
    }
}

/// Runs blocking `work` on a thread of its own.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, Error>) in
        Thread.detachNewThread { done.resume(with: Result { try work() }) }
    }
}

/// A folder of one case's own: TMPDIR for the run (so that its temporary folders are found whatever its
/// ID), the report folder (whose report.json names the run's ID), and a marker that every child of the run
/// inherits in its environment (so that what it left running is found).
struct Sandbox {
    let folder: URL
    let marker = UUID().uuidString.lowercased()

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-fault"))
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
    }

    var temporary: URL { folder.appendingPathComponent("tmp") }
    var reports: URL { folder.appendingPathComponent("reports") }

    var environment: [String: String] {
        ["TMPDIR": temporary.path, "WORKFLOWS_REPORT_DIR": reports.path, "WORKFLOWS_FAULT_CASE": marker]
    }

    /// The run's ID: report.json's, else the first one its output shows (a label, a tag, a temporary path).
    func runID(log: String) -> String? {
        if let data = try? Data(contentsOf: reports.appendingPathComponent("report.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let id = object["runID"] as? String
        {
            return id
        }
        for pattern in ["workflows\\.run=([a-z0-9]{10})", "workflows-assessed:([a-z0-9]{10})", "/workflows-[a-z-]+-([a-z0-9]{10})-"] {
            if let expression = try? NSRegularExpression(pattern: pattern),
                let match = expression.firstMatch(in: log, range: NSRange(log.startIndex..., in: log)),
                let range = Range(match.range(at: 1), in: log)
            {
                return String(log[range])
            }
        }
        return nil
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The figures of the suite: every case's result, printed as it comes, and after the suite's last test a
/// table and one summary line. Swift Testing does not promise an order, so the last test is the one that
/// brings the count of finished tests to the suite's number of tests.
actor FaultFigures {
    static let shared = FaultFigures()

    private var results: [Faults.Result] = []
    private var finishedTests = 0

    func record(_ result: Faults.Result) {
        results.append(result)
        let time = result.seconds.map { String(format: "%.2f s", $0) } ?? "did not exit"
        print("fault case: \(result.name): \(result.ending) in \(time), \(result.clean ? "clean" : "LEFT SOMETHING")")
    }

    /// Counts a finished test; after the `expected`-th, prints the figures and returns true.
    func testFinished(expected: Int) -> Bool {
        finishedTests += 1
        guard finishedTests == expected else { return false }
        print("fault-injection cases:")
        for result in results {
            let time = result.seconds.map { String(format: "%.2f s", $0) } ?? "-"
            print("  | \(result.name) | \(result.ending) | \(time) | \(result.clean ? "clean" : "left something") |")
        }
        print(summary)
        return true
    }

    var summary: String {
        func longest(_ subset: [Faults.Result]) -> String {
            guard let worst = subset.filter({ $0.seconds != nil }).max(by: { $0.seconds! < $1.seconds! }) else { return "-" }
            return String(format: "%.2f s (%@)", worst.seconds!, worst.name)
        }
        return "fault-injection summary: \(results.count) cases run, \(results.filter(\.clean).count) clean, "
            + "longest time to exit after a signal \(longest(results.filter(\.bySignal))), "
            + "after an engine or registry stop \(longest(results.filter { !$0.bySignal }))"
    }
}

/// The images the cases share, made once: a copy of the app (with a release tag, so that publish_image
/// pushes five references) built with build_dev_image; an image whose HEALTHCHECK never passes; and a
/// large one whose push takes a moment.
actor FaultFixture {
    static let shared = FaultFixture()

    struct Images: Sendable {
        var app: URL
        /// The app, built by build_dev_image (the layer cache: no `--no-cache` build for the suite).
        var dev: String
        /// HEALTHCHECK `false` every 300 s, `sleep` as PID 1, STOPSIGNAL SIGKILL: waits in its health wait.
        var neverHealthy: String
        /// The base image and 48 MB of random bytes (which no compression shrinks).
        var large: String
    }

    private var made: Images?
    private var removed = false

    func get() async throws -> Images {
        if let made { return made }
        try await Harness.requireEngine()
        let app = try await Harness.appCopy()
        let dev = Harness.uniqueName("workflows-it-fault-dev") + ":latest"
        let neverHealthy = Harness.uniqueName("workflows-it-fault-never") + ":1"
        let large = Harness.uniqueName("workflows-it-fault-large") + ":1"
        do {
            let images = try await make(app: app, dev: dev, neverHealthy: neverHealthy, large: large)
            made = images
            return images
        } catch {
            // A later test tries again from scratch: nothing of this attempt stays.
            for image in [dev, neverHealthy, large] { await Harness.removeImage(image) }
            try? FileManager.default.removeItem(at: app)
            throw error
        }
    }

    private func make(app: URL, dev: String, neverHealthy: String, large: String) async throws -> Images {
        try await Harness.sh("git", ["tag", "v1.0.0"], in: app)
        var built = try await Harness.workflows(["build_dev_image", "--image", dev], in: app)
        if built.status != 0, built.all.contains("No such image: sha256:") {
            // Another run on the shared engine removed a cached layer this build was about to use: once more.
            built = try await Harness.workflows(["build_dev_image", "--image", dev], in: app)
        }
        try #require(built.status == 0, "build_dev_image of the app failed: \(built.all)")
        try await Harness.tinyImage(neverHealthy, dockerfile: """
            HEALTHCHECK --interval=300s --timeout=5s --retries=3 CMD ["false"]
            STOPSIGNAL SIGKILL
            CMD ["sleep", "600"]
            """)
        try await Harness.tinyImage(large, dockerfile: """
            RUN head -c 48000000 /dev/urandom > /blob
            CMD ["sleep", "600"]
            """)
        return Images(app: app, dev: dev, neverHealthy: neverHealthy, large: large)
    }

    /// After the suite's last test.
    func remove() async {
        guard let made, !removed else { return }
        removed = true
        for image in [made.dev, made.neverHealthy, made.large] { await Harness.removeImage(image) }
        try? FileManager.default.removeItem(at: made.app)
    }
}

/// A second engine beside the shared one, as /work/shared/docs/test-environment.md describes it: a bridge
/// of its own (`wfbrN`), no iptables or masquerading, its own data and exec roots, socket and pidfile under
/// a short temporary folder. Never touches `docker0`.
final class ThrowawayEngine: @unchecked Sendable {
    let folder: URL
    let bridge: String

    var socket: String { folder.appendingPathComponent("docker.sock").path }
    var host: String { "unix://\(socket)" }
    var pidfile: String { folder.appendingPathComponent("docker.pid").path }
    var log: String { folder.appendingPathComponent("dockerd.log").path }
    var environment: [String: String] { ["DOCKER_HOST": host] }
    private var startedPID: Int32?

    private init(folder: URL, bridge: String) {
        self.folder = folder
        self.bridge = bridge
    }

    private static func sh(_ script: String) -> ProcessOutput? {
        try? Harness.runner.runBlocking(Command("sh", ["-c", script]))
    }

    /// Starts one, and tears it down again whatever `body` does (a failure, a throw, a cancelled test).
    static func with<T>(_ body: (ThrowawayEngine) async throws -> T) async throws -> T {
        let engine = try await offThePool { try start() }
        let result: Swift.Result<T, Error>
        do { result = .success(try await body(engine)) } catch { result = .failure(error) }
        let problems = (try? await offThePool { engine.tearDown() }) ?? ["the teardown did not run"]
        #expect(problems.isEmpty, "tearing the throwaway engine down: \(problems)")
        return try result.get()
    }

    /// Claims the first free `wfbrN` (creating it is the claim), then starts dockerd on it and waits for its
    /// answer. Throws, with the reason and the log's end, when it cannot start; nothing is left then.
    static func start() throws -> ThrowawayEngine {
        // Short: a unix socket's path has at most 107 bytes.
        let folder = URL(fileURLWithPath: "/tmp/wfd-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var claimed: String?
        var reasons: [String] = []
        for number in 1..<64 {
            let name = "wfbr\(number)"
            guard let made = sh("ip link add \(name) type bridge"), made.succeeded else {
                if reasons.count < 3 { reasons.append("\(name): \(sh("ip link add \(name) type bridge 2>&1")?.outputText ?? "?")") }
                continue
            }
            claimed = name
            let subnet = "10.213.\(number).1/24"
            guard let up = sh("ip addr add \(subnet) dev \(name) && ip link set \(name) up"), up.succeeded else {
                let reason = sh("ip addr add \(subnet) dev \(name) 2>&1; ip link set \(name) up 2>&1")?.outputText ?? "?"
                _ = sh("ip link del \(name)")
                try? FileManager.default.removeItem(at: folder)
                throw ThrowawayError("the bridge \(name) could not be set up: \(reason)")
            }
            break
        }
        guard let bridge = claimed else {
            try? FileManager.default.removeItem(at: folder)
            throw ThrowawayError("no bridge wfbr1…63 could be created: \(reasons)")
        }
        let engine = ThrowawayEngine(folder: folder, bridge: bridge)
        let daemon = [
            "dockerd", "--host", engine.host, "--data-root", folder.appendingPathComponent("data").path,
            "--exec-root", folder.appendingPathComponent("exec").path, "--pidfile", engine.pidfile,
            "--bridge", bridge, "--iptables=false", "--ip-masq=false",
        ].joined(separator: " ")
        let started = sh("\(daemon) >'\(engine.log)' 2>&1 </dev/null & echo $!")
        engine.startedPID = started.flatMap { Int32($0.outputText) }
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            if let answer = try? Harness.runner.runBlocking(Command(
                "docker", ["version", "--format", "{{.Server.Version}}"], environment: engine.environment)),
                answer.succeeded
            {
                return engine
            }
            if let pid = engine.startedPID, !Faults.isAlive(pid) { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        let tail = sh("tail -15 '\(engine.log)'")?.outputText ?? ""
        let problems = engine.tearDown()
        throw ThrowawayError("dockerd on \(bridge) did not answer within 40 s (teardown: \(problems)); its log ends:\n\(tail)")
    }

    /// The PID in the engine's pidfile, while that process lives.
    var daemonPID: Int32? {
        guard let text = try? String(contentsOfFile: pidfile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), Faults.isAlive(pid)
        else { return nil }
        return pid
    }

    /// Stops it, then removes everything it made: its processes (containerd and shims, found by the folder
    /// in their command lines), its mounts, its folder and its bridge. What could not be removed, in words.
    func tearDown() -> [String] {
        var problems: [String] = []
        let pids = [daemonPID, startedPID].compactMap { $0 }
        for pid in Set(pids) { kill(pid, SIGTERM) }
        if !waitUntilGone(Set(pids), seconds: 20) {
            for pid in Set(pids) { kill(pid, SIGKILL) }
            if !waitUntilGone(Set(pids), seconds: 5) { problems.append("dockerd \(pids) survived SIGKILL") }
        }
        let strays = processesUsingFolder()
        for pid in strays { kill(pid, SIGKILL) }
        if !waitUntilGone(Set(strays), seconds: 5) { problems.append("processes \(strays) of the engine survived SIGKILL") }
        // Deepest first: overlay mounts and network namespaces under the data and exec roots.
        let mounts = ((try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                guard fields.count > 4 else { return nil }
                let point = String(fields[4])
                return point.hasPrefix(folder.path + "/") ? point : nil
            }
            .sorted { $0.count > $1.count }
        for point in mounts where Self.sh("umount '\(point)' 2>/dev/null || umount -l '\(point)'")?.succeeded != true {
            problems.append("could not unmount \(point)")
        }
        do {
            try FileManager.default.removeItem(at: folder)
        } catch {
            problems.append("could not remove \(folder.path): \(error)")
        }
        if let deleted = Self.sh("ip link del \(bridge) 2>&1"), !deleted.succeeded {
            problems.append("could not delete \(bridge): \(deleted.outputText)")
        }
        return problems
    }

    private func waitUntilGone(_ pids: Set<Int32>, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !pids.contains(where: Faults.isAlive) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return !pids.contains(where: Faults.isAlive)
    }

    private func processesUsingFolder() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let needle = Data(folder.path.utf8)
        return entries.compactMap { Int32($0) }.filter { pid in
            pid != getpid() && FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")?.range(of: needle) != nil
        }
    }
}

/// A registry of its own on a free loopback port, configured as scripts/provision.sh configures the
/// test registries, with its storage in a temporary folder.
final class ThrowawayRegistry: @unchecked Sendable {
    let folder: URL
    let address: String
    private(set) var pid: Int32?

    private init(folder: URL, address: String) {
        self.folder = folder
        self.address = address
    }

    static func start() async throws -> ThrowawayRegistry {
        let port = try await Harness.sh(
            "python3", ["-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-registry"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("storage"), withIntermediateDirectories: true)
        let registry = ThrowawayRegistry(folder: folder, address: "127.0.0.1:\(port)")
        let config = """
            version: 0.1
            log: { level: warn }
            storage: { filesystem: { rootdirectory: \(folder.path)/storage }, delete: { enabled: true } }
            http: { addr: \(registry.address) }

            """
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.yml"))
        let started = try await Harness.sh("sh", [
            "-c", "docker-registry serve '\(folder.path)/config.yml' >'\(folder.path)/registry.log' 2>&1 </dev/null & echo $!",
        ])
        registry.pid = Int32(started)
        do {
            try await Faults.waitFor("the registry on \(registry.address) answered", seconds: 10) {
                await Faults.query("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://\(registry.address)/v2/"]) == "200"
            }
        } catch {
            registry.remove()
            throw error
        }
        return registry
    }

    /// True once the registry holds an upload in progress (or a finished layer) of `name`.
    func receiving(_ name: String) -> Bool {
        let repository = folder.appendingPathComponent("storage/docker/registry/v2/repositories/\(name)")
        return FileManager.default.fileExists(atPath: repository.appendingPathComponent("_uploads").path)
            || FileManager.default.fileExists(atPath: repository.appendingPathComponent("_layers").path)
    }

    func stop() {
        guard let pid else { return }
        kill(pid, SIGKILL)
        // Not our child (sh started it): wait until it is gone.
        for _ in 0..<50 where Faults.isAlive(pid) { Thread.sleep(forTimeInterval: 0.1) }
        self.pid = nil
    }

    func remove() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

struct ThrowawayError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
