import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// Faults injected into real runs on the real engine: SIGINT and SIGTERM at chosen moments of every
    /// step of quality_pipeline and of publish_image, SIGKILL followed by `workflows clean`, the engine
    /// stopped mid-run, the registry stopped mid-push. Each case checks how the run ended (as its parent
    /// sees it), how long after the fault it ended, and that nothing of it is left: containers, images and
    /// tags of its run ID, temporary folders, processes (its children carry a marker in their environment),
    /// and its output pipe (held open by anything it left running).
    ///
    /// Fast on two cores: one app image built with the layer cache serves every case (no `--no-cache` build
    /// runs to its end), a tiny image stands in for the health wait, and the cleanup moment uses the fake
    /// docker of SignalExitTests, whose cleanup is slow on purpose.
    @Suite struct FaultInjection {
        enum Moment: String, Sendable {
            case beforeFirstChild = "before the first child"
            case midChild = "mid-child"
            case duringCleanup = "during cleanup"
        }

        struct SignalFault: Sendable, CustomTestStringConvertible {
            var step: String
            var signal: Int32
            var moment: Moment

            var when: String {
                guard moment == .midChild else { return moment.rawValue }
                switch step {
                case "build_ci_image": return "mid-build"
                case "assess_image_code": return "mid-gates"
                case "assess_image_health": return "mid-health-wait"
                default: return "mid-push"
                }
            }

            var testDescription: String { "\(step) \(Faults.signalName(signal)) \(when)" }
        }

        /// Every step × SIGINT and SIGTERM × each moment. build_ci_image has no cleanup moment: it registers
        /// no cleanup (its one temporary file goes with a `defer`).
        static let signalFaults: [SignalFault] = {
            var faults: [SignalFault] = []
            for step in ["build_ci_image", "assess_image_code", "assess_image_health", "publish_image"] {
                for moment in [Moment.beforeFirstChild, .midChild, .duringCleanup] {
                    if step == "build_ci_image" && moment == .duringCleanup { continue }
                    for signal in [SIGINT, SIGTERM] { faults.append(SignalFault(step: step, signal: signal, moment: moment)) }
                }
            }
            return faults
        }()

        /// The suite's tests: one per signal fault, and the three below it.
        static let testCount = signalFaults.count + 3
        /// A hang guard for the time from a signal to the exit: the 2 s grace before SIGKILL, the cleanup's
        /// own `docker rm`s, and a shared, busy machine.
        static let signalBound = 15.0

        /// Runs a test's body, then counts it as finished (the last one prints the figures and removes the
        /// shared images), whatever the body did.
        static func finishing(_ name: String, _ body: () async throws -> Void) async throws {
            var failure: Error?
            do { try await body() } catch { failure = error }
            if let failure {
                await FaultFigures.shared.record(Faults.Result(
                    name: name, ending: "test failed: \(failure)", seconds: nil, clean: false, bySignal: true))
            }
            if await FaultFigures.shared.testFinished(expected: testCount) { await FaultFixture.shared.remove() }
            if let failure { throw failure }
        }

        // MARK: - 1. SIGINT and SIGTERM at each moment of each step

        @Test(arguments: signalFaults)
        func aSignalEndsTheRunByItselfAfterItsCleanupAndLeavesNothing(_ fault: SignalFault) async throws {
            try await Self.finishing(fault.testDescription) {
                let images = try await FaultFixture.shared.get()
                let sandbox = try Sandbox()
                var fake: SignalExitTests.FakeDocker?
                var registry: ThrowawayRegistry?
                defer {
                    sandbox.remove()
                    fake?.remove()
                    registry?.remove()
                }
                var environment = sandbox.environment
                let builtName = Harness.uniqueName("workflows-it-fault-ci") + ":latest"
                var repository: String?
                var arguments: [String]
                switch fault.step {
                case "build_ci_image":
                    arguments = ["build_ci_image", "--image", builtName]
                case "assess_image_code":
                    arguments = ["assess_image_code", "--image", images.dev]
                case "assess_image_health":
                    arguments = ["assess_image_health", "--image", images.neverHealthy, "--health-timeout", "300"]
                default:
                    if fault.moment == .midChild { registry = try await ThrowawayRegistry.start() }
                    let address = registry?.address ?? Harness.plainRegistry
                    let target = "\(address)/\(Harness.uniqueName("fault"))/large"
                    repository = target
                    arguments = ["publish_image", "--allow-unverified-image", "--publish-repository", target, "--image", images.large]
                }
                if fault.moment == .duringCleanup {
                    // publish_image cleans up only its login: its `logout` is the slow command then.
                    let made = try SignalExitTests.FakeDocker(
                        mode: "slow-cleanup", slowCommand: fault.step == "publish_image" ? "logout" : "ps")
                    fake = made
                    environment.merge(made.environment) { $1 }
                    if fault.step == "publish_image" {
                        environment["WORKFLOWS_REGISTRY_USER"] = "fault"
                        environment["WORKFLOWS_REGISTRY_PASSWORD"] = "fault-password"
                    }
                    if let index = arguments.firstIndex(of: "--image") { arguments[index + 1] = "fake:1" }
                }

                let run = try Harness.BackgroundRun(arguments, in: images.app, environment: environment)
                var note = ""
                do {
                    switch fault.moment {
                    case .beforeFirstChild:
                        let children = try await Faults.waitForHandlers(run)
                        if !children.isEmpty { note = " (a child had started: \(children))" }
                    case .midChild:
                        try await waitMidChild(fault.step, run, sandbox: sandbox, registry: registry, repository: repository)
                    case .duringCleanup:
                        try await run.waitUntil("the cleanup started", seconds: 60) { fake?.exists("cleanup-started") == true }
                    }
                } catch {
                    _ = await run.ending(SIGKILL, limit: 10)
                    throw error
                }
                let ending = await run.ending(fault.signal, limit: 60)

                let id = sandbox.runID(log: ending.log)
                var left: [String] = []
                if fault.step == "build_ci_image" {
                    // First: the time the engine takes to remove the build's container counts from the exit.
                    let (containers, settled, seen) = await Faults.buildContainersLeft(in: ending.log)
                    left += containers
                    if !seen.isEmpty {
                        note += String(format: " (at the exit the build's container was %@; the engine removed it %.1f s later)",
                                       seen.joined(separator: ", "), settled)
                    }
                }
                if let id { left += await Faults.engineLeftovers(of: id) }
                left += Faults.folderLeftovers(of: id, sandbox: sandbox)
                left += await Faults.processesLeft(carrying: sandbox.marker)
                if !ending.endOfFile { left.append("its output pipe was still held open after it exited") }
                if fault.step == "build_ci_image" {
                    if (try? await Harness.runner.run(Command("docker", ["image", "inspect", builtName])))?.succeeded == true {
                        left.append("image \(builtName), tagged by an interrupted build")
                    }
                    left += await Faults.buildImagesLeft(in: ending.log)
                }
                if let repository, fake == nil { left += await Faults.localTags(of: repository) }
                if let fake {
                    // The slow cleanup command ran to its end, and what comes after it ran too.
                    if !fake.exists("cleanup-slept") { left.append("the cleanup was cut short: \(fake.log)") }
                    let last: String
                    switch fault.step {
                    case "assess_image_code": last = "image rm workflows-assessed:\(id ?? "?")"
                    case "assess_image_health": last = "rm --force --volumes fakecontainer"
                    default: last = "logout \(Harness.plainRegistry)"
                    }
                    if !fake.log.contains(last) { left.append("the cleanup never ran '\(last)': \(fake.log)") }
                }

                let name = fault.testDescription + note
                #expect(ending.termination == .signalled(fault.signal), "\(name): \(ending.log)")
                #expect(ending.seconds < Self.signalBound, "\(name): \(ending.seconds) s from the signal to the exit")
                #expect(ending.log.contains("\(Faults.signalName(fault.signal)) received"), "\(ending.log)")
                #expect(left.isEmpty, "\(name) left: \(left)")
                await FaultFigures.shared.record(Faults.Result(
                    name: name, ending: ending.termination.map { "\($0)" } ?? "no exit", seconds: ending.seconds,
                    clean: left.isEmpty && ending.termination == .signalled(fault.signal), bySignal: true))
            }
        }

        /// Waits until the step's main child is at work: a build step runs a container, the gates' container
        /// runs, the health wait has begun, the registry receives layers.
        func waitMidChild(
            _ step: String, _ run: Harness.BackgroundRun, sandbox: Sandbox, registry: ThrowawayRegistry?, repository: String?
        ) async throws {
            switch step {
            case "build_ci_image":
                // The app's pip install, in its build container (the legacy builder's words, or BuildKit's).
                try await run.waitUntil("the build's pip install runs", seconds: 90) {
                    run.printed.range(
                        of: "RUN python3 -m venv.*\n ---> Running in |#[0-9]+ \\[[^\\]]*\\] RUN python3 -m venv",
                        options: .regularExpression) != nil
                }
            case "assess_image_code":
                // The first run may install the gates' tools into their cache image first.
                try await run.waitUntil("a gate's container runs", seconds: 240) {
                    guard let id = sandbox.runID(log: run.printed) else { return false }
                    let names = await Faults.query("docker", ["ps", "--format", "{{.Names}}", "--filter", "label=workflows.run=\(id)"])
                    return Faults.lines(names).contains { $0.hasPrefix("workflows-\(id)-") }
                }
            case "assess_image_health":
                try await run.waitUntil("the health wait began", seconds: 60) { run.printed.contains("Waiting up to") }
            default:
                let registry = try #require(registry)
                let name = try #require(repository.map { String($0.drop { $0 != "/" }.dropFirst()) })
                try await run.waitUntil("the registry receives the push", seconds: 60) {
                    run.printed.contains("==>> docker push") && registry.receiving(name)
                }
            }
        }

        // MARK: - 2. SIGKILL, then `workflows clean`

        @Test func aKilledRunsLeftoversGoWithCleanWhileALiveRunsStay() async throws {
            try await Self.finishing("SIGKILL mid-health and mid-gates, then clean") {
                let images = try await FaultFixture.shared.get()
                let live = try Sandbox()
                let killedInHealth = try Sandbox()
                let killedInGates = try Sandbox()
                var runs: [Harness.BackgroundRun] = []
                defer {
                    for run in runs where !run.hasExited { _ = run.stop(SIGKILL, limit: 10) }
                    for sandbox in [live, killedInHealth, killedInGates] { sandbox.remove() }
                }
                let health = ["assess_image_health", "--image", images.neverHealthy, "--health-timeout", "300"]
                let liveRun = try Harness.BackgroundRun(health, in: images.app, environment: live.environment)
                runs.append(liveRun)
                try await liveRun.waitUntil("the live run waits for health", seconds: 60) { liveRun.printed.contains("Waiting up to") }
                let liveID = try #require(live.runID(log: liveRun.printed))
                let liveContainer = "workflows-\(liveID)-health"

                let inHealth = try Harness.BackgroundRun(health, in: images.app, environment: killedInHealth.environment)
                runs.append(inHealth)
                try await inHealth.waitUntil("the run to kill waits for health", seconds: 60) { inHealth.printed.contains("Waiting up to") }
                let healthEnding = await inHealth.ending(SIGKILL, limit: 15)
                let healthID = try #require(killedInHealth.runID(log: healthEnding.log))

                let inGates = try Harness.BackgroundRun(
                    ["assess_image_code", "--image", images.dev], in: images.app, environment: killedInGates.environment)
                runs.append(inGates)
                try await waitMidChild("assess_image_code", inGates, sandbox: killedInGates, registry: nil, repository: nil)
                let gatesEnding = await inGates.ending(SIGKILL, limit: 15)
                let gatesID = try #require(killedInGates.runID(log: gatesEnding.log))
                #expect(healthEnding.termination == .signalled(SIGKILL))
                #expect(gatesEnding.termination == .signalled(SIGKILL))

                // What SIGKILL left: the health container; the gates' image, the run's tag of the assessed
                // image, the build context folder (and the gates' containers, which end by themselves and go with `--rm`).
                let healthLeft = await Faults.engineLeftovers(of: healthID)
                let gatesStable = await Faults.engineLeftovers(of: gatesID).filter { !$0.hasPrefix("container") }
                    + Faults.folderLeftovers(of: gatesID, sandbox: killedInGates)
                #expect(healthLeft.contains { $0.contains("workflows-\(healthID)-health") }, "\(healthLeft)")
                #expect(gatesStable.contains("tag \(EngineLabels.assessedRepository):\(gatesID)"), "\(gatesStable)")
                #expect(gatesStable.contains { $0.hasPrefix("image ") }, "\(gatesStable)")
                #expect(gatesStable.contains { $0.contains("/workflows-gates-\(gatesID)-") }, "\(gatesStable)")

                // The killed run's folders are in its TMPDIR: clean looks where that run looked.
                let cleanEnvironment = ["TMPDIR": killedInGates.temporary.path]
                let dry = try await Harness.workflows(["clean", "--dry-run"], in: images.app, environment: cleanEnvironment)
                #expect(dry.status == 0, "\(dry.all)")
                #expect(dry.stdout.contains("Would remove"), "\(dry.stdout)")
                #expect(!dry.stdout.contains("==>>"), "a dry run ran a command: \(dry.stdout)")
                #expect(Set(await Faults.engineLeftovers(of: healthID)) == Set(healthLeft), "--dry-run removed something")
                let gatesAfterDry = await Faults.engineLeftovers(of: gatesID).filter { !$0.hasPrefix("container") }
                    + Faults.folderLeftovers(of: gatesID, sandbox: killedInGates)
                #expect(Set(gatesAfterDry) == Set(gatesStable), "--dry-run removed something")

                let cleaned = try await Harness.workflows(["clean"], in: images.app, environment: cleanEnvironment)
                #expect(cleaned.status == 0, "\(cleaned.all)")
                #expect(cleaned.stdout.contains("of run \(liveID), whose process"), "the live run was not kept: \(cleaned.stdout)")
                let healthAfter = await Faults.engineLeftovers(of: healthID) + Faults.folderLeftovers(of: healthID, sandbox: killedInHealth)
                let gatesAfter = await Faults.engineLeftovers(of: gatesID) + Faults.folderLeftovers(of: gatesID, sandbox: killedInGates)
                #expect(healthAfter.isEmpty, "clean left of the run killed mid-health: \(healthAfter)")
                #expect(gatesAfter.isEmpty, "clean left of the run killed mid-gates: \(gatesAfter)")
                // Their orphaned docker CLIs (a probe's exec, gates' runs) end once their containers are gone.
                let orphans = await Faults.processesLeft(carrying: killedInHealth.marker, seconds: 10)
                    + Faults.processesLeft(carrying: killedInGates.marker, seconds: 10)
                #expect(orphans.isEmpty, "\(orphans)")

                let liveState = await Faults.query("docker", ["container", "inspect", "--format", "{{.State.Status}}", liveContainer])
                #expect(liveState == "running", "clean touched the live run's container: \(liveState)")
                #expect(!liveRun.hasExited, "the live run ended: \(liveRun.printed)")
                #expect(!liveRun.printed.contains("vanished"), "\(liveRun.printed)")

                // Then the live run is stopped as a person would: Ctrl-C.
                let liveEnding = await liveRun.ending(SIGINT, limit: 60)
                var liveLeft = await Faults.engineLeftovers(of: liveID) + Faults.folderLeftovers(of: liveID, sandbox: live)
                liveLeft += await Faults.processesLeft(carrying: live.marker)
                if !liveEnding.endOfFile { liveLeft.append("its output pipe was still held open after it exited") }
                #expect(liveEnding.termination == .signalled(SIGINT), "\(liveEnding.log)")
                #expect(liveEnding.seconds < Self.signalBound)
                #expect(liveLeft.isEmpty, "\(liveLeft)")

                await FaultFigures.shared.record(Faults.Result(
                    name: "assess_image_health SIGKILL mid-health-wait, then clean", ending: "\(healthEnding.termination.map { "\($0)" } ?? "-")",
                    seconds: healthEnding.seconds, clean: healthAfter.isEmpty, bySignal: true))
                await FaultFigures.shared.record(Faults.Result(
                    name: "assess_image_code SIGKILL mid-gates, then clean", ending: "\(gatesEnding.termination.map { "\($0)" } ?? "-")",
                    seconds: gatesEnding.seconds, clean: gatesAfter.isEmpty && orphans.isEmpty, bySignal: true))
                await FaultFigures.shared.record(Faults.Result(
                    name: "assess_image_health SIGINT mid-health-wait, the live run kept by clean",
                    ending: liveEnding.termination.map { "\($0)" } ?? "no exit", seconds: liveEnding.seconds,
                    clean: liveLeft.isEmpty && liveState == "running", bySignal: true))
            }
        }

        /// A run killed while it installs the gates' tools (requirements of its own, so that no cache has
        /// their key) leaves the install's container and unsealed volume, and the wheels fetched during its
        /// build: `workflows clean` removes them all, and keeps the shared caches' volume, which is a cache.
        @Test func aRunKilledMidInstallOfTheToolsLeavesNothingAfterClean() async throws {
            try await Self.finishing("SIGKILL mid-install of the gate tools, then clean") {
                _ = try await FaultFixture.shared.get()
                let app = try await Harness.appCopy()
                let sandbox = try Sandbox()
                let image = Harness.uniqueName("workflows-it-fault-install") + ":latest"
                var caches: String?
                defer {
                    sandbox.remove()
                    try? FileManager.default.removeItem(at: app)
                }
                let requirements = app.appendingPathComponent("requirements-test.txt")
                try Data((try String(contentsOf: requirements, encoding: .utf8) + "# \(UUID())\n").utf8).write(to: requirements)
                let run = try Harness.BackgroundRun(
                    ["build_dev_image", "assess_image_code", "--image", image], in: app, environment: sandbox.environment)
                try await run.waitUntil("the tools' install began", seconds: 180) { run.printed.contains("Gate tools: installing") }
                let id = try #require(sandbox.runID(log: run.printed))
                // The installer's container, not the install's volume: the shared caches' volume is created just
                // after that one, and a kill between the two left no caches to keep (seen once on a fresh clone's run).
                try await run.waitUntil("the install's container exists", seconds: 30) {
                    !(await Faults.query("docker", ["ps", "--all", "--quiet", "--filter", "name=workflows-\(id)-tools"])).isEmpty
                }
                let ending = await run.ending(SIGKILL, limit: 15)
                #expect(ending.termination == .signalled(SIGKILL))
                let left = await Faults.engineLeftovers(of: id)
                #expect(left.contains { $0.contains("unsealed install") }, "\(left)")
                if let match = ending.log.range(of: "workflows-gate-tools-[0-9a-f]{20}", options: .regularExpression) {
                    caches = GateTools.cachesPrefix + ending.log[match].dropFirst(GateTools.namePrefix.count)
                }

                let cleaned = try await Harness.workflows(["clean"], in: app, environment: ["TMPDIR": sandbox.temporary.path])
                #expect(cleaned.status == 0, "\(cleaned.all)")
                let after = await Faults.engineLeftovers(of: id) + Faults.folderLeftovers(of: id, sandbox: sandbox)
                #expect(after.isEmpty, "clean left of the run killed mid-install: \(after)\n\(cleaned.stdout)")
                let orphans = await Faults.processesLeft(carrying: sandbox.marker, seconds: 30)
                #expect(orphans.isEmpty, "\(orphans)")
                let kept = try #require(caches, "\(ending.log)")
                #expect(await Faults.query("docker", ["volume", "ls", "--quiet", "--filter", "name=\(kept)"]) == kept,
                        "plain clean keeps caches")
                _ = await Faults.query("docker", ["volume", "rm", kept])
                await Harness.removeImage(image)
                await FaultFigures.shared.record(Faults.Result(
                    name: "assess_image_code SIGKILL mid-install of the gate tools, then clean",
                    ending: "\(ending.termination.map { "\($0)" } ?? "-")", seconds: ending.seconds,
                    clean: after.isEmpty && orphans.isEmpty, bySignal: true))
            }
        }

        // MARK: - 3 and 4. The engine stops mid-run; the registry stops mid-push

        /// Both at once: after its registry stops, the push waits about 50 s in the engine's own retries
        /// (each layer 5 times, after 5, 10, 15 and 20 s), idle; the throwaway engine's case fits in that wait.
        @Test func theEngineOrTheRegistryStoppingMidRunEndsTheRunWithExit1SayingWhy() async throws {
            try await Self.finishing("the engine or the registry stopped mid-run") {
                let images = try await FaultFixture.shared.get()
                async let registryCase = registryStopsMidPush(images)
                async let engineCase = engineStopsMidHealthWait(images)
                let (pushed, waited) = await (registryCase, engineCase)
                for result in [waited, pushed] {
                    switch result {
                    case .success(let figures): await FaultFigures.shared.record(figures)
                    case .failure(let error):
                        Issue.record(error)
                        await FaultFigures.shared.record(Faults.Result(
                            name: "\(error)", ending: "test failed", seconds: nil, clean: false, bySignal: false))
                    }
                }
                // The shared engine and its bridge are as they were.
                #expect((try? await Harness.runner.run(Command("ip", ["link", "show", "docker0"])))?.succeeded == true)
                try await Harness.requireEngine()
            }
        }

        /// A throwaway engine, stopped (SIGTERM to its pidfile's PID) while assess_image_health waits on it.
        func engineStopsMidHealthWait(_ images: FaultFixture.Images) async -> Swift.Result<Faults.Result, Error> {
            let name = "assess_image_health, its engine stopped mid-health-wait"
            do {
                let sandbox = try Sandbox()
                defer { sandbox.remove() }
                return .success(try await ThrowawayEngine.with { engine in
                    // Its containers have no network: the image needs none (a HEALTHCHECK that never passes).
                    try await Harness.sh("sh", [
                        "-c", "docker save python:3.11-slim '\(images.neverHealthy)' | DOCKER_HOST='\(engine.host)' docker load",
                    ])
                    let run = try Harness.BackgroundRun(
                        ["assess_image_health", "--image", images.neverHealthy, "--health-timeout", "120"], in: images.app,
                        environment: sandbox.environment.merging(engine.environment) { $1 })
                    do {
                        try await run.waitUntil("the health wait began on the throwaway engine", seconds: 60) {
                            run.printed.contains("Waiting up to")
                        }
                        let daemon = try #require(engine.daemonPID, "the throwaway dockerd is not running")
                        kill(daemon, SIGTERM)
                    } catch {
                        _ = await run.ending(SIGKILL, limit: 10)
                        throw error
                    }
                    let ending = await run.ending(nil, limit: 60)
                    var left = Faults.folderLeftovers(of: sandbox.runID(log: ending.log), sandbox: sandbox)
                    left += await Faults.processesLeft(carrying: sandbox.marker)
                    if !ending.endOfFile { left.append("its output pipe was still held open after it exited") }
                    #expect(ending.termination == .exited(1), "\(ending.log)")
                    #expect(ending.seconds < 30, "\(ending.seconds) s from the engine's stop to the exit")
                    #expect(ending.log.contains("The engine behind docker stopped answering"), "\(ending.log)")
                    #expect(ending.log.contains(engine.socket), "the message does not name the engine: \(ending.log)")
                    #expect(!ending.log.contains("vanished"), "\(ending.log)")
                    #expect(left.isEmpty, "\(left)")
                    return Faults.Result(
                        name: name, ending: ending.termination.map { "\($0)" } ?? "no exit", seconds: ending.seconds,
                        clean: left.isEmpty && ending.termination == .exited(1), bySignal: false)
                })
            } catch {
                return .failure(ThrowawayError("\(name): \(error)"))
            }
        }

        /// A throwaway registry, killed while publish_image pushes the large image to it.
        func registryStopsMidPush(_ images: FaultFixture.Images) async -> Swift.Result<Faults.Result, Error> {
            let name = "publish_image, its registry stopped mid-push"
            do {
                let sandbox = try Sandbox()
                let registry = try await ThrowawayRegistry.start()
                defer {
                    sandbox.remove()
                    registry.remove()
                }
                let repository = "\(registry.address)/fault/large"
                let run = try Harness.BackgroundRun(
                    ["publish_image", "--allow-unverified-image", "--publish-repository", repository, "--image", images.large],
                    in: images.app, environment: sandbox.environment)
                do {
                    try await run.waitUntil("the registry receives the push", seconds: 60) {
                        run.printed.contains("==>> docker push") && registry.receiving("fault/large")
                    }
                } catch {
                    _ = await run.ending(SIGKILL, limit: 10)
                    throw error
                }
                registry.stop()
                let ending = await run.ending(nil, limit: 150)
                var left = await Faults.localTags(of: repository)
                left += Faults.folderLeftovers(of: sandbox.runID(log: ending.log), sandbox: sandbox)
                left += await Faults.processesLeft(carrying: sandbox.marker)
                if !ending.endOfFile { left.append("its output pipe was still held open after it exited") }
                let all = ["v1.0.0", "1.0.0", "1.0", "1", "latest"].map { "\(repository):\($0)" }
                #expect(ending.termination == .exited(1), "\(ending.log)")
                #expect(ending.seconds < 120, "\(ending.seconds) s from the registry's stop to the exit")
                #expect(ending.log.contains("Pushing \(all[0]) failed:"), "\(ending.log)")
                #expect(ending.log.contains("Nothing was pushed. Not pushed: \(all.joined(separator: ", "))."), "\(ending.log)")
                #expect(left.isEmpty, "\(left)")
                return .success(Faults.Result(
                    name: name, ending: ending.termination.map { "\($0)" } ?? "no exit", seconds: ending.seconds,
                    clean: left.isEmpty && ending.termination == .exited(1), bySignal: false))
            } catch {
                return .failure(ThrowawayError("\(name): \(error)"))
            }
        }
    }
}
