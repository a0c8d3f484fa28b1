import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// `[tool.workflows.services]` on the real engine, with the Postgres and Redis that
    /// `scripts/provision.sh --for-tests` builds (`workflows-test/postgres:15`, `workflows-test/redis:7`):
    /// tests that need them pass with them and fail without; an entrypoint that waits for its database is
    /// healthy only with it; a service that exits at start, one that never becomes healthy (Docker and Podman),
    /// a wrong key and SIGINT leave nothing behind.
    @Suite struct Services {
        static let password = "pw-\(UUID().uuidString.prefix(8).lowercased())-secret"

        func project(_ sample: String, edit: (inout [String: String]) -> Void = { _ in }) async throws -> (FakeRepository, String) {
            try await Harness.requireEngine()
            for image in ["workflows-test/postgres:15", "workflows-test/redis:7"] {
                let found = try await Harness.runner.run(Command("docker", ["image", "inspect", "--format", "{{.Id}}", image]))
                try #require(found.succeeded, "no \(image) on the engine: run scripts/provision.sh --for-tests")
            }
            var files = try SampleProjects.folder(sample)
            edit(&files)
            let repository = try FakeRepository("workflows-it-\(sample)", files: files)
            try await Harness.sh("git", ["init", "--quiet", "--initial-branch=main"], in: repository.root)
            try await Harness.sh("git", ["add", "."], in: repository.root)
            try await Harness.commit("The \(sample) sample", in: repository.root)
            return (repository, Harness.uniqueName("workflows-it-\(sample)") + ":latest")
        }

        /// The project file without its services.
        static func withoutServices(_ pyproject: String) -> String {
            pyproject.components(separatedBy: "[tool.workflows.services.").first ?? pyproject
        }

        @Test func testsThatNeedPostgresAndRedisPassWithTheirServicesAndFailWithoutThem() async throws {
            let (repository, image) = try await project("services-postgres-redis")
            defer { repository.delete() }
            let reports = repository.root.appendingPathComponent("reports")
            let passed = try await Harness.workflows(
                ["quality_pipeline", "--image", image, "--report-dir", reports.path], in: repository.root,
                environment: ["VISITS_DB_PASSWORD": Self.password])
            #expect(passed.status == 0, "\(passed.all)")
            #expect(passed.stdout.contains("--network-alias db") && passed.stdout.contains("--network-alias cache"))
            #expect(passed.stdout.contains("--env POSTGRES_PASSWORD "), "the secret goes by name: \(passed.stdout)")
            #expect(passed.stdout.range(of: #"Service db \(image workflows-test/postgres:15\) is healthy after [0-9.ms]+, by its health command"#, options: .regularExpression) != nil, "\(passed.stdout)")
            #expect(passed.stdout.contains("Service cache (image workflows-test/redis:7) is healthy after"), "\(passed.stdout)")
            #expect(passed.stdout.contains("by TCP on its port 6379"), "\(passed.stdout)")
            #expect(passed.stdout.contains("2 passed"), "pytest ran both tests against the services: \(passed.stdout)")
            let report = try ReportWriter.decode(Data(contentsOf: reports.appendingPathComponent("report.json")))
            let gates = try #require(report.steps.first { $0.name == "assess_image_code" })
            #expect(gates.services?.map(\.name) == ["cache", "db"])
            #expect(gates.services?.allSatisfy { ($0.secondsToHealthy ?? 0) > 0 && $0.status == "healthy" } == true)
            #expect(report.steps.first { $0.name == "assess_image_health" }?.services?.count == 2, "the health step's own")
            var written = passed.all
            for file in try FileManager.default.contentsOfDirectory(atPath: reports.path) {
                written += (try? String(contentsOf: reports.appendingPathComponent(file), encoding: .utf8)) ?? ""
            }
            #expect(!written.contains(Self.password), "the service's secret is in no output or report")
            #expect(try await Harness.leftovers(of: passed).isEmpty)

            // Without the services, the tests meet no database: the connection error is shown.
            try repository.write("pyproject.toml", Self.withoutServices(try repository.read("pyproject.toml")))
            let failed = try await Harness.workflows(
                ["assess_image_code", "--image", image], in: repository.root, environment: ["VISITS_DB_PASSWORD": Self.password])
            await Harness.removeImage(image)
            #expect(failed.status == 1, "\(failed.all)")
            #expect(failed.stdout.contains("OperationalError") && failed.stdout.contains("db"), "\(failed.stdout)")
            #expect(failed.stderr.contains("Quality gates failed inside \(image): pytest."), "\(failed.all)")
            #expect(try await Harness.leftovers(of: failed).isEmpty)
        }

        /// One build, then the health step four ways: with its database (awaited by TCP from a container of
        /// the image), a database that exits at start, none at all, and SIGINT while the database starts.
        @Test func anEntrypointThatWaitsForItsDatabaseIsHealthyOnlyWithIt() async throws {
            let (repository, image) = try await project("services-wait-for-db")
            defer { repository.delete() }
            defer { Task { await Harness.removeImage(image) } }
            let built = try await Harness.workflows(["build_dev_image", "--image", image], in: repository.root)
            try #require(built.status == 0, "\(built.all)")
            #expect(!built.stdout.contains("Services"), "a build alone starts no services")

            let healthy = try await Harness.workflows(["assess_image_health", "--image", image], in: repository.root)
            #expect(healthy.status == 0, "\(healthy.all)")
            #expect(healthy.stdout.contains("by TCP on its port 5432"), "\(healthy.stdout)")
            #expect(healthy.stdout.contains("docker-entrypoint: the database at db:5432 accepts connections")
                || healthy.stdout.contains("is healthy after"), "\(healthy.stdout)")
            #expect(try await Harness.leftovers(of: healthy).isEmpty)

            // The official image's rule: no POSTGRES_PASSWORD, no server. It fails at once, with its logs.
            let pyproject = try repository.read("pyproject.toml")
            try repository.write("pyproject.toml", pyproject.replacingOccurrences(
                of: "environment = { POSTGRES_PASSWORD = \"postgres\" }\n", with: ""))
            let start = Date()
            let exited = try await Harness.workflows(["assess_image_health", "--image", image], in: repository.root)
            #expect(exited.status == 1, "\(exited.all)")
            #expect(exited.stdout.contains("Service db (image workflows-test/postgres:15) exited with code 1"), "\(exited.stdout)")
            #expect(exited.stdout.contains("POSTGRES_PASSWORD is not set"), "its logs: \(exited.stdout)")
            #expect(Date().timeIntervalSince(start) < 45, "fails fast, not at the 60 s deadline")
            #expect(try await Harness.leftovers(of: exited).isEmpty)

            // No database: the entrypoint keeps waiting, and the image is not healthy by the deadline.
            try repository.write("pyproject.toml", Self.withoutServices(pyproject))
            let alone = try await Harness.workflows(
                ["assess_image_health", "--image", image, "--health-timeout", "6"], in: repository.root)
            #expect(alone.status == 1, "\(alone.all)")
            #expect(alone.stdout.contains("docker-entrypoint: waiting for the database at db:5432"), "\(alone.stdout)")
            #expect(try await Harness.leftovers(of: alone).isEmpty)

            // SIGINT while the services start: ended by the signal, nothing left.
            try repository.write("pyproject.toml", pyproject)
            let run = try Harness.BackgroundRun(["assess_image_health", "--image", image], in: repository.root)
            try await run.waitUntil("the database's container starts") { run.printed.contains("--network-alias db") }
            let (termination, log) = run.signal(SIGINT)
            #expect(termination == .signalled(SIGINT), "\(log)")
            let id = try #require(log.range(of: "workflows\\.run=[a-z0-9]+", options: .regularExpression).map {
                String(log[$0].dropFirst("workflows.run=".count))
            })
            #expect(try await Harness.leftovers(of: Harness.Run(status: 130, stdout: "workflows.run=\(id)", stderr: "")).isEmpty)
        }

        /// A service that runs but never passes its probe fails the step that awaits it at its
        /// `health-timeout` (exit 1), with its last probes and its logs, and leaves nothing: its container, the
        /// anonymous volume of its image's `VOLUME`, its network and its image (built from a folder). On
        /// Docker and on Podman. Cheap: the service is the base image running `sleep`, and the project's
        /// image is the base image under a tag of the test's own (the step fails before it would run it).
        @Test(arguments: ["docker", "podman"])
        func aServiceThatNeverBecomesHealthyFailsItsStepAndLeavesNothing(_ engine: String) async throws {
            let (repository, image) = try await project("services-wait-for-db") { files in
                let pyproject = Self.withoutServices(files["pyproject.toml"] ?? "")
                files["pyproject.toml"] = pyproject + """
                    [tool.workflows.services.db]
                    build = "never-healthy"
                    health = "echo 'the database is not ready, and never will be'; exit 1"
                    health-timeout = 3

                    """
                files["never-healthy/Dockerfile"] = """
                    FROM python:3.11-slim
                    VOLUME /var/lib/never-healthy
                    CMD ["sh", "-c", "grep ' /var/lib/never-healthy ' /proc/self/mountinfo; echo 'started, never ready'; exec sleep 600"]

                    """
            }
            defer { repository.delete() }
            let tagged = try await Harness.runner.run(Command(engine, ["tag", "python:3.11-slim", image]))
            try #require(tagged.succeeded, "no python:3.11-slim in \(engine)'s store: run scripts/provision.sh --for-tests")
            defer { Task { _ = try? await Harness.runner.run(Command(engine, ["image", "rm", image])) } }

            let reports = repository.root.appendingPathComponent("reports")
            let run = try await Harness.workflows(
                ["assess_image_health", "--image", image, "--report-dir", reports.path], in: repository.root,
                environment: ["WORKFLOWS_DOCKER": engine])
            #expect(run.status == 1, "\(run.all)")
            let report = try ReportWriter.decode(Data(contentsOf: reports.appendingPathComponent("report.json")))
            #expect(report.steps.first { $0.name == "assess_image_health" }?.services == [
                ServiceReport(
                    name: "db", image: "build never-healthy", probe: "its health command", secondsToHealthy: nil,
                    status: "timed out", shared: false)
            ], "the report lists the service that failed")
            #expect(run.stdout.contains(
                "Service db (build never-healthy) was not healthy by its deadline of 3.0s (judged by its health command)"),
                "\(run.stdout)")
            #expect(run.stderr.contains("The service db (build never-healthy) is not healthy"), "\(run.stderr)")
            #expect(run.stdout.contains("Last health probes of workflows-"), "\(run.stdout)")
            #expect(run.stdout.contains("the database is not ready, and never will be"), "its probes: \(run.stdout)")
            #expect(run.stdout.contains("started, never ready"), "its logs: \(run.stdout)")
            let id = try #require(Harness.runID(of: run))
            #expect(!run.stdout.contains("--name workflows-\(id)-health "), "the health container never started: \(run.stdout)")

            // The service's logs name its anonymous volume (its mount's source); it must be gone too.
            let volume = try #require(run.stdout.firstMatch(of: /\/volumes\/([0-9a-f]{64})\/_data/).map { String($0.1) },
                                      "the service's mount line: \(run.stdout)")
            #expect(try await !Harness.runner.run(Command(engine, ["volume", "inspect", volume])).succeeded,
                    "its anonymous volume is left")
            let built = "workflows-service:\(id)-services-db-health"
            #expect(run.stdout.contains("--tag \(built)"), "the service's image was built: \(run.stdout)")
            #expect(try await !Harness.runner.run(Command(engine, ["image", "inspect", built])).succeeded, "its image is left")
            for list in [["ps", "--all"], ["network", "ls"], ["volume", "ls"], ["image", "ls", "--all"]] {
                let left = try await Harness.sh(engine, list + ["--quiet", "--filter", "label=workflows.run=\(id)-services"])
                #expect(left.isEmpty, "left in \(engine): \(list) \(left)")
            }
            if engine == "docker" { #expect(try await Harness.leftovers(of: run).isEmpty) }
        }

        /// A service that exits at start fails the step at once with its exit code and logs, and SIGINT while
        /// services start ends the run by the signal; neither leaves anything, on Docker and on Podman. Cheap:
        /// the services are the base image running `sh`, the project's image the base image under a new tag.
        @Test(arguments: ["docker", "podman"])
        func aServiceThatExitsAtStartOrASignalWhileTheyStartLeavesNothing(_ engine: String) async throws {
            let service = { (command: String) in
                """
                FROM python:3.11-slim
                CMD ["sh", "-c", "\(command)"]

                """
            }
            let (repository, image) = try await project("services-wait-for-db") { files in
                files["pyproject.toml"] = Self.withoutServices(files["pyproject.toml"] ?? "") + """
                    [tool.workflows.services.db]
                    build = "db"
                    health = "exit 1"
                    health-timeout = 60

                    """
                files["db/Dockerfile"] = service("echo 'no configuration: giving up'; exit 3")
            }
            defer { repository.delete() }
            let tagged = try await Harness.runner.run(Command(engine, ["tag", "python:3.11-slim", image]))
            try #require(tagged.succeeded, "no python:3.11-slim in \(engine)'s store: run scripts/provision.sh --for-tests")
            defer { Task { _ = try? await Harness.runner.run(Command(engine, ["image", "rm", image])) } }
            let leftovers = { (id: String) async throws -> [String] in
                var left: [String] = []
                for list in [["ps", "--all"], ["network", "ls"], ["volume", "ls"], ["image", "ls", "--all"]] {
                    let found = try await Harness.sh(engine, list + ["--quiet", "--filter", "label=workflows.run=\(id)-services"])
                    if !found.isEmpty { left.append("\(list): \(found)") }
                }
                let built = try await Harness.runner.run(Command(engine, ["image", "inspect", "workflows-service:\(id)-services-db-health"]))
                return left + (built.succeeded ? ["the service's image"] : [])
            }

            let exited = try await Harness.workflows(
                ["assess_image_health", "--image", image], in: repository.root, environment: ["WORKFLOWS_DOCKER": engine])
            #expect(exited.status == 1, "\(exited.all)")
            #expect(exited.stdout.contains("Service db (build db) exited with code 3"), "\(exited.stdout)")
            #expect(exited.stdout.contains("no configuration: giving up"), "its logs: \(exited.stdout)")
            let exitedID = try #require(Harness.runID(of: exited))
            let leftByExit = try await leftovers(exitedID)
            #expect(leftByExit.isEmpty, "left in \(engine): \(leftByExit)")

            try repository.write("db/Dockerfile", service("echo 'started, never ready'; exec sleep 600"))
            let run = try Harness.BackgroundRun(
                ["assess_image_health", "--image", image], in: repository.root, environment: ["WORKFLOWS_DOCKER": engine])
            try await run.waitUntil("the service's container starts") { run.printed.contains("--network-alias db") }
            let (termination, log) = run.signal(SIGINT)
            #expect(termination == .signalled(SIGINT), "\(log)")
            let id = try #require(log.range(of: "workflows\\.run=[a-z0-9]+", options: .regularExpression).map {
                String(log[$0].dropFirst("workflows.run=".count))
            })
            let leftBySignal = try await leftovers(id)
            #expect(leftBySignal.isEmpty, "left in \(engine): \(leftBySignal)")
        }

        @Test func aWrongServiceKeyStopsTheRunBeforeAnythingStarts() async throws {
            let (repository, image) = try await project("services-wait-for-db") { files in
                files["pyproject.toml"] = (files["pyproject.toml"] ?? "") + "health_timeout = 5\n"
            }
            defer { repository.delete() }
            let run = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            #expect(run.status == 64, "\(run.all)")
            #expect(run.stderr.contains(
                "pyproject.toml:21:1: unknown key 'tool.workflows.services.db.health_timeout'; did you mean 'health-timeout'?"),
                "\(run.stderr)")
            #expect(Harness.runID(of: run) == nil, "nothing ran: \(run.stdout)")
        }

        /// A network that a killed run left (its owner process is gone) goes with `workflows clean`.
        @Test func cleanRemovesTheNetworksOfEndedRuns() async throws {
            try await Harness.requireEngine()
            let run = Harness.uniqueName("deadrun").replacingOccurrences(of: "-", with: "")
            let network = "workflows-\(run)-services-gates"
            let owner = RunOwner(host: ProcessInfo.processInfo.hostName, pid: 999_999).description
            try await Harness.docker(
                "network", "create", "--label", "workflows.run=\(run)-services", "--label", "workflows.owner=\(owner)", network)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-clean"))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let cleaned = try await Harness.workflows(["clean"], in: folder)
            #expect(cleaned.status == 0, "\(cleaned.all)")
            #expect(cleaned.stdout.contains("networks of ended runs"), "\(cleaned.stdout)")
            let left = try await Harness.docker("network", "ls", "--quiet", "--filter", "name=\(network)")
            #expect(left.isEmpty, "\(cleaned.all)")
            if !left.isEmpty { _ = try? await Harness.docker("network", "rm", network) }
        }

        /// The Postgres and Redis sample on Podman: aliases need the DNS that provisioning gives its networks.
        @Test func theSamplePassesOnPodman() async throws {
            let answer = try await Harness.runner.run(Command("podman", ["image", "exists", "workflows-test/postgres:15"]))
            try #require(answer.succeeded, "no workflows-test/postgres:15 in Podman's store: run scripts/provision.sh --for-tests")
            let (repository, image) = try await project("services-postgres-redis")
            defer { repository.delete() }
            let run = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image], in: repository.root,
                environment: ["WORKFLOWS_DOCKER": "podman", "VISITS_DB_PASSWORD": Self.password])
            _ = try? await Harness.runner.run(Command("podman", ["image", "rm", "--force", image]))
            #expect(run.status == 0, "\(run.all)")
            #expect(run.stdout.contains("2 passed"), "\(run.stdout)")
            #expect(!run.all.contains(Self.password))
            let id = try #require(Harness.runID(of: run))
            for list in [["ps", "--all"], ["network", "ls"], ["volume", "ls"]] {
                let left = try await Harness.sh("podman", list + ["--quiet", "--filter", "label=workflows.run=\(id)-services"])
                #expect(left.isEmpty, "left in Podman: \(list) \(left)")
            }
        }
    }
}
