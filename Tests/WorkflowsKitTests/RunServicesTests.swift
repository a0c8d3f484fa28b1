import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// The project's services on the fake engine: a network per step, a shared service joined to the other
/// step's network, everything gone at the end (the engine refuses to remove a network a container still uses).
@Suite struct RunServicesTests {
    static let password = "pw-s3cret-9"

    func repository(shared: Bool) throws -> URL {
        var files = try SampleProjects.folder("services-postgres-redis")
        if shared { files["pyproject.toml", default: ""] += "shared = true\n" }
        return try FakeRepository(files: files).root
    }

    /// The project's image and the services' images: Postgres with no probe of its own (the project's
    /// `health` command), Redis with only an EXPOSEd port (a TCP probe from the project's image).
    func engine(image: String) -> FakeEngine {
        func config(_ id: Character, ports: [Int] = [], healthcheck: ImageConfig.Healthcheck? = nil) -> ImageConfig {
            ImageConfig(
                id: "sha256:" + String(repeating: id, count: 64), user: "app", workingDirectory: "/srv", healthcheck: healthcheck,
                labels: [:], exposedTCPPorts: ports)
        }
        let engine = FakeEngine(appImage: false)
        engine.addImage([image], config("e", healthcheck: FakeEngine.healthcheck))
        engine.addImage(["workflows-test/postgres:15"], config("1", ports: [5432]))
        engine.addImage(["workflows-test/redis:7"], config("2", ports: [6379]))
        return engine
    }

    @Test func eachStepHasItsNetworkASharedServiceJoinsTheOtherAndNothingIsLeft() async throws {
        let root = try repository(shared: true)
        let engine = engine(image: try ProjectLoader.load(root: root, variables: ["VISITS_DB_PASSWORD": Self.password]).image)
        let (status, console) = try await runWorkflows(
            ["assess_image_code", "assess_image_health"], environment: ["VISITS_DB_PASSWORD": Self.password], engine: engine,
            root: root)
        #expect(status == 0, "\(console.all)")
        let gates = "workflows-testrun-services-gates"
        let health = "workflows-testrun-services-health"
        let created = engine.changes.compactMap { if case .createNetwork(let name, _) = $0 { name } else { nil } }
        #expect(created == [gates, health])
        let services = engine.runs.filter { $0.networkAlias != nil }
        #expect(services.map { "\($0.name ?? "") \($0.network ?? "") \($0.networkAlias ?? "")" }.sorted() == [
            "\(gates)-cache \(gates) cache", "\(gates)-db \(gates) db", "\(health)-db \(health) db",
        ], "the shared cache once")
        #expect(engine.changes.contains(.connect("\(gates)-cache", network: health, alias: "cache")))
        let db = try #require(services.first { $0.networkAlias == "db" })
        #expect(db.environment.contains(ContainerVariable("POSTGRES_PASSWORD", nil)) && db.namedValues["POSTGRES_PASSWORD"] == Self.password,
                "a secret goes by name")
        #expect(db.healthcheck?.command == "pg_isready -U visits -d visits")
        // The TCP probe of Redis ran in the project's image, on the step's network, by the service's name.
        #expect(engine.runs.contains { $0.entrypoint == "python3" && $0.network == gates && $0.arguments.suffix(2) == ["cache", "6379"] })
        // The gates and the health container ran on their own step's network.
        let gateContainers = engine.runs.filter { $0.image.hasPrefix("workflows-gates:") }
        #expect(gateContainers.map(\.name) == ["workflows-testrun-gates", "workflows-testrun-pytest"])
        #expect(gateContainers.allSatisfy { $0.network == gates })
        #expect(engine.runs.first { $0.name == "workflows-testrun-health" }?.network == health)
        #expect(console.stdout.range(
            of: #"Service cache \(image workflows-test/redis:7\) is healthy after [0-9.]+s, by TCP on its port 6379"#,
            options: .regularExpression) != nil, "\(console.stdout)")
        #expect(engine.containerNames.isEmpty && engine.networks.isEmpty, "\(engine.containerNames) \(engine.networks)")
        #expect(!console.all.contains(Self.password))
    }

    @Test func aMissingServiceImageFailsTheStepSayingWhatToPull() async throws {
        let root = try repository(shared: false)
        let engine = engine(image: try ProjectLoader.load(root: root, variables: ["VISITS_DB_PASSWORD": Self.password]).image)
        _ = try await engine.remove(.image, ["workflows-test/redis:7"], force: false)
        let (status, console) = try await runWorkflows(
            ["assess_image_code"], environment: ["VISITS_DB_PASSWORD": Self.password], engine: engine, root: root)
        #expect(status == 1)
        #expect(console.stderr.contains("The engine could not start the service cache (image workflows-test/redis:7)"), "\(console.stderr)")
        #expect(console.stderr.contains("Unable to find image 'workflows-test/redis:7'"))
        #expect(engine.containerNames.isEmpty && engine.networks.isEmpty, "\(engine.containerNames) \(engine.networks)")
    }
}
