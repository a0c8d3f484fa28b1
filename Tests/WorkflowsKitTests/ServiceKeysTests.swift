import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// `[tool.workflows.services.NAME]`: read, validated at file:line, with origins and `${VAR}` kept secret.
@Suite struct ServiceKeysTests {
    static let projectFile = """
        [tool.workflows]
        environment = { DATABASE_URL = "postgresql://postgres:${SERVICE_TEST_PASSWORD}@db:5432/postgres", REDIS_URL = "redis://cache:6379/0" }

        [tool.workflows.services.db]
        image = "workflows-test/postgres:15"
        environment = { POSTGRES_PASSWORD = "${SERVICE_TEST_PASSWORD}", POSTGRES_DB = "postgres" }
        health = "pg_isready -U postgres"
        health-timeout = 90

        [tool.workflows.services.cache]
        build = "services/cache"
        shared = true

        """

    static let variables = ["SERVICE_TEST_PASSWORD": "pw-7731"]

    /// The project of a throwaway repository holding `pyproject`.
    func load(_ pyproject: String = ServiceKeysTests.projectFile, variables: [String: String] = [:]) throws -> Project {
        let repository = try FakeRepository("workflows-unit-services", files: files(pyproject))
        defer { repository.delete() }
        return try ProjectLoader.load(root: repository.root, variables: variables)
    }

    func files(_ pyproject: String) -> [String: String] {
        [
            "pyproject.toml": pyproject,
            "Dockerfile": "FROM python:3.11-slim\n",
            "services/cache/Dockerfile": "FROM workflows-test/redis:7\n",
            "services/empty/README": "no Dockerfile here\n",
            "app/__init__.py": "",
            "tests/test_app.py": "def test_x():\n    pass\n",
        ]
    }

    @Test func theServicesAreReadSortedWithTheirOriginsAndSecrets() throws {
        let project = try load(variables: Self.variables)
        #expect(project.services == [
            Service(name: "cache", source: .build("services/cache"), shared: true),
            Service(
                name: "db", source: .image("workflows-test/postgres:15"),
                environment: ["POSTGRES_PASSWORD": "pw-7731", "POSTGRES_DB": "postgres"],
                health: "pg_isready -U postgres", healthTimeoutSeconds: 90),
        ])
        #expect(project.origins["services.db.image"] == "pyproject.toml:5")
        #expect(project.origins["services.db.environment"] == "pyproject.toml:6")
        #expect(project.origins["services.db.health"] == "pyproject.toml:7")
        #expect(project.origins["services.db.health-timeout"] == "pyproject.toml:8")
        #expect(project.origins["services.cache.build"] == "pyproject.toml:11")
        #expect(project.origins["services.cache.shared"] == "pyproject.toml:12")
        #expect(project.isSecret("pw-7731"), "a service's ${VAR} is masked like the gates' environment")
        #expect(project.environment["REDIS_URL"] == "redis://cache:6379/0")
    }

    @Test func noServicesTableMeansNoServices() throws {
        let project = try load("[tool.workflows]\ngates = [\"pytest\"]\n")
        #expect(project.services.isEmpty)
        #expect(!project.origins.keys.contains { $0.hasPrefix("services.") })
    }

    @Test func aDefaultTimeoutAndAPinnedDigestAreAccepted() throws {
        let digest = String(repeating: "ab", count: 32)
        let project = try load("[tool.workflows.services.db]\nimage = \"127.0.0.1:45000/lib/postgres:15@sha256:\(digest)\"\n")
        let db = try #require(project.services.first)
        #expect(db.source == .image("127.0.0.1:45000/lib/postgres:15@sha256:\(digest)"))
        #expect(db.healthTimeoutSeconds == Service.defaultHealthTimeoutSeconds && db.health == nil && !db.shared)
    }

    @Test(arguments: [
        ("[tool.workflows.services.db]\nimage = \"postgres\"\nhealth_timeout = 5\n",
         "pyproject.toml:3:1: unknown key 'tool.workflows.services.db.health_timeout'; did you mean 'health-timeout'?"),
        ("[tool.workflows.services.db]\nenvironment = { A = \"1\" }\n",
         "pyproject.toml:1:1: 'tool.workflows.services.db' names no image: add image = \"postgres:16\""),
        ("[tool.workflows.services.db]\nimage = \"postgres\"\nbuild = \"services/cache\"\n",
         "pyproject.toml:2:1: 'tool.workflows.services.db.image' and 'tool.workflows.services.db.build' exclude each other"),
        ("[tool.workflows.services.db]\nimage = \"Postgres:16\"\n",
         "pyproject.toml:2:1: 'tool.workflows.services.db.image' is 'Postgres:16', which is not a valid image reference"),
        ("[tool.workflows.services.db]\nimage = \"postgres:${SERVICE_TEST_UNSET}\"\n",
         "pyproject.toml:2:1: 'tool.workflows.services.db.image' uses ${SERVICE_TEST_UNSET}, but the environment variable SERVICE_TEST_UNSET is not set"),
        ("[tool.workflows.services.db]\nimage = \"postgres\"\nenvironment = { POSTGRES_PASSWORD = \"${SERVICE_TEST_UNSET}\" }\n",
         "'tool.workflows.services.db.environment.POSTGRES_PASSWORD' uses ${SERVICE_TEST_UNSET}"),
        ("[tool.workflows.services.db]\nimage = \"postgres\"\nshared = \"yes\"\n",
         "pyproject.toml:3:1: 'tool.workflows.services.db.shared' must be true or false, not"),
        ("[tool.workflows.services.db]\nimage = \"postgres\"\nhealth-timeout = 0\n",
         "pyproject.toml:3:1: 'tool.workflows.services.db.health-timeout' must be a positive number of seconds"),
        ("[tool.workflows.services.db]\nimage = \"postgres\"\nhealth = [\"pg_isready\"]\n",
         "pyproject.toml:3:1: 'tool.workflows.services.db.health' must be a string"),
        ("[tool.workflows.services.Data_Base]\nimage = \"postgres\"\n",
         "pyproject.toml:1:1: 'tool.workflows.services.Data_Base': a service's name is its host name"),
        ("[tool.workflows]\nservices = { db = \"postgres\" }\n",
         "'tool.workflows.services.db' must be a table"),
        ("[tool.workflows.services.db]\nbuild = \"services/empty\"\n",
         "pyproject.toml:2:1: 'services.db.build' names 'services/empty', which holds no Dockerfile"),
        ("[tool.workflows.services.db]\nbuild = \"../elsewhere\"\n",
         "pyproject.toml:2:1: 'services.db.build' names '../elsewhere', which is outside the repository"),
        ("[tool.workflows.services.db]\nbuild = \"nowhere\"\n",
         "pyproject.toml:2:1: 'services.db.build' names 'nowhere', which is not a folder"),
    ])
    func aWrongKeyIsAUsageErrorAtItsPlace(pyproject: String, message: String) throws {
        let error = try #require(throws: WorkflowsError.self) {
            try load(pyproject, variables: Self.variables)
        }
        #expect(error.exitCode == 64)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func anInvalidImageFromAVariableIsNamedMasked() throws {
        let error = try #require(throws: WorkflowsError.self) {
            try load("[tool.workflows.services.db]\nimage = \"${SERVICE_TEST_PASSWORD}/X\"\n", variables: Self.variables)
        }
        #expect(!error.message.contains("pw-7731"), "\(error.message)")
        #expect(error.message.contains("'***'"), "\(error.message)")
    }

    @Test func theKeysWorkAtTheTopLevelOfWorkflowsToml() throws {
        let repository = try FakeRepository("workflows-unit-services-toml", files: [
            "workflows.toml": "[services.cache]\nimage = \"workflows-test/redis:7\"\n",
            "Dockerfile": "FROM python:3.11-slim\n",
        ])
        defer { repository.delete() }
        let project = try ProjectLoader.load(root: repository.root)
        #expect(project.services.map(\.name) == ["cache"])
        #expect(project.origins["services.cache.image"] == "workflows.toml:2")
    }
}

/// What the run does with the keys, without an engine: the argument vectors and the report.
@Suite struct ServiceRunTests {
    @Test func aSharedServiceJoinsTheOtherStepsNetworkUnderItsName() {
        #expect(DockerArguments.connect("c1", to: "n2", alias: "db") == ["network", "connect", "--alias", "db", "n2", "c1"])
    }

    @Test func aServiceRunsDetachedOnTheNetworkUnderItsNameWithItsSecretsByName() {
        let service = Service(
            name: "db", source: .image("workflows-test/postgres:15"),
            environment: ["POSTGRES_PASSWORD": "pw-1", "POSTGRES_DB": "app"], health: "pg_isready -U postgres",
            healthTimeoutSeconds: 30)
        let options = RunOptions(
            image: "workflows-test/postgres:15", name: "workflows-r-services-gates-db", detach: true,
            environment: RunServices.environment(service) { $0 == "pw-1" },
            healthcheck: RunServices.healthcheck(service), network: "workflows-r-services-gates", networkAlias: "db")
        let argv = DockerArguments.run(options)
        #expect(argv.joined(separator: " ").contains(
            "--env POSTGRES_DB=app --env POSTGRES_PASSWORD --network workflows-r-services-gates --network-alias db "
                + "--health-cmd pg_isready -U postgres --health-interval 1s --health-timeout 5s --health-retries 3 "
                + "--health-start-period 30s workflows-test/postgres:15"), "\(argv)")
        #expect(!argv.contains { $0.contains("pw-1") })
        #expect(RunServices.healthcheck(Service(name: "cache", source: .image("redis"))) == nil, "the image's own, else TCP")
    }

    @Test func aHealthcheckTestIsRunAsTheEngineRunsIt() {
        #expect(ServiceHealth.command(of: ["CMD", "redis-cli", "ping"]) == ["redis-cli", "ping"])
        #expect(ServiceHealth.command(of: ["CMD-SHELL", "pg_isready"]) == ["/bin/sh", "-c", "pg_isready"])
        #expect(ServiceHealth.command(of: ["NONE"]) == nil)
    }

    @Test func theReportAndTheSummaryListEachServiceWithItsTimeToHealthy() throws {
        let services = [
            ServiceReport(name: "cache", image: "image redis:7", probe: "TCP on its port 6379", secondsToHealthy: 1.5, status: "healthy", shared: true),
            ServiceReport(name: "db", image: "image postgres:16", probe: "its health command", secondsToHealthy: 4.25, status: "healthy", shared: false),
        ]
        let report = RunReport(
            runID: "r", commandLine: ["assess_image_code"], git: nil, startedAt: "2026-12-02T15:00:00Z", durationSeconds: 9,
            outcome: .passed, interruptedBy: nil,
            steps: [StepReport(name: "assess_image_code", verdict: .passed, startedAt: "2026-12-02T15:00:00Z", durationSeconds: 9, services: services)])
        let summary = StepSummary.markdown(report)
        #expect(summary.contains("| Service | Image | Healthy after | Judged by |"), "\(summary)")
        #expect(summary.contains("| `cache` (shared) | image redis:7 | 1.5s | TCP on its port 6379 |"), "\(summary)")
        #expect(summary.contains("| `db` | image postgres:16 | 4.2s | its health command |") || summary.contains("| `db` | image postgres:16 | 4.3s | its health command |"), "\(summary)")
        let decoded = try JSONDecoder().decode(RunReport.self, from: JSONEncoder().encode(report))
        #expect(decoded.steps.first?.services == services)
    }

    /// The services' table after the gates' table is a table of its own: a blank line parts them.
    @Test func theServicesTableIsPartedFromTheGatesTable() {
        var report = ReportSamples.passedRun()
        report.steps[0].services = [
            ServiceReport(name: "db", image: "image postgres:16", probe: "its health command", secondsToHealthy: 2, status: "healthy", shared: false)
        ]
        let lines = StepSummary.markdown(report).components(separatedBy: "\n")
        let header = lines.firstIndex(of: "| Service | Image | Healthy after | Judged by |")
        #expect(header.map { $0 > 0 && lines[$0 - 1].isEmpty } == true, "\(lines)")
    }

    /// A service that failed its step has no time to healthy: the summary shows its status instead.
    @Test func theSummaryShowsTheStatusOfAServiceThatFailed() {
        let failed = ServiceReport(
            name: "db", image: "build never-healthy", probe: "its health command", secondsToHealthy: nil, status: "timed out",
            shared: false)
        let report = RunReport(
            runID: "r", commandLine: ["assess_image_health"], git: nil, startedAt: "2026-12-02T15:00:00Z", durationSeconds: 4,
            outcome: .failed, interruptedBy: nil,
            steps: [StepReport(name: "assess_image_health", verdict: .failed, startedAt: "2026-12-02T15:00:00Z", durationSeconds: 4, services: [failed])])
        let summary = StepSummary.markdown(report)
        #expect(summary.contains("| `db` | build never-healthy | timed out | its health command |"), "\(summary)")
    }
}
