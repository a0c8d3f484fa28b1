import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// Health without a HEALTHCHECK and without a `health` key: which probe runs, when `PORT` is set, what
/// `show_project` forecasts, and the waits on the fake engine.
@Suite struct HealthPlanTests {
    func image(healthcheck: [String]? = nil, ports: [String] = [], entrypoint: [String] = [], command: [String] = [],
               environment: Set<String> = []) -> ImageConfig {
        ImageConfig(
            id: "sha256:x", user: "app", workingDirectory: "/srv", healthcheck: healthcheck.map { .init(test: $0) },
            labels: [:], exposedTCPPorts: ImageConfig.tcpPorts(ports), entrypoint: entrypoint, command: command,
            environmentNames: environment)
    }

    func project(health: Project.HealthProbe? = nil, environment: [String: String] = [:]) throws -> Project {
        let repository = try FakeRepository(files: ["Dockerfile": "FROM python:3.11-slim\n", "main.py": "print(1)\n"])
        defer { repository.delete() }
        var project = try ProjectLoader.load(root: repository.root)
        project.health = health
        project.healthEnvironment = environment
        return project
    }

    @Test func theProjectsProbeThenTheHealthcheckThenTheLowestTCPPortThenAlive() throws {
        let none = try project()
        let url = try project(health: .url("http://127.0.0.1:8000/"))
        let healthcheck = ["CMD", "true"]
        #expect(HealthPlan(project: url, image: image(healthcheck: healthcheck, ports: ["80/tcp"])) == .projectProbe)
        #expect(HealthPlan(project: none, image: image(healthcheck: healthcheck, ports: ["80/tcp"])) == .imageHealthcheck)
        #expect(HealthPlan(project: none, image: image(healthcheck: ["NONE"], ports: ["9000/tcp", "8080/tcp"])) == .exposedPort(8080))
        #expect(HealthPlan(project: none, image: image(ports: ["53/udp"])) == .alive)
        #expect(HealthPlan(project: none, image: image()) == .alive)
    }

    @Test func tcpPortsAreTheTCPOnesAscendingAndValid() {
        #expect(ImageConfig.tcpPorts(["8080/tcp", "53/udp", "80", "x/tcp", "70000/tcp", "8080", "443/TCP", "9/sctp"]) == [80, 443, 8080])
    }

    @Test(arguments: [
        (["/bin/sh", "-c", "exec python3 main.py --port \"${PORT}\""], true),
        (["/bin/sh", "-c", "exec gunicorn --bind :$PORT main:app"], true),
        (["/bin/sh", "-c", "exec python3 main.py --port ${PORT:-8080}"], true),
        (["/bin/sh", "-c", "exec python3 main.py"], false),
        (["/bin/sh", "-c", "echo $PORTS"], false),
        (["/bin/sh", "-c", "echo $$PORT"], false),
        (["python3", "main.py", "PORT"], false),
    ])
    func portIsSetOnlyWhenTheStartCommandNamesIt(command: [String], named: Bool) throws {
        let arguments = portArguments(project: try project(), image: image(ports: ["8080/tcp"], command: command))
        #expect(arguments == (named ? ["--env", "PORT=8080"] : []))
    }

    @Test func portIsLeftToTheImageOrTheProjectWhenEitherSetsIt() throws {
        let command = ["/bin/sh", "-c", "exec python3 main.py --port $PORT"]
        #expect(portArguments(
            project: try project(), image: image(ports: ["8080"], entrypoint: command, environment: ["PORT"])).isEmpty)
        #expect(portArguments(
            project: try project(environment: ["PORT": "9000"]), image: image(ports: ["8080"], command: command)).isEmpty)
        #expect(portArguments(project: try project(), image: image(command: command)).isEmpty, "no EXPOSE, no PORT")
        #expect(portArguments(project: try project(), image: image(ports: ["8080"], entrypoint: command)) == ["--env", "PORT=8080"])
    }

    @Test func dockersAndPodmansInspectAnswersGiveThePortsTheStartCommandAndTheEnvironment() throws {
        // As both engines answered for `EXPOSE 8080 9000/udp`, a shell-form CMD and an ENTRYPOINT.
        let answer = #"""
            [{"Id":"abc","Config":{"User":"","ExposedPorts":{"8080/tcp":{},"9000/udp":{}},"Env":["PATH=/usr/bin","PORT_HINT=1"],
              "Entrypoint":["/bin/sh","-c"],"Cmd":["exec python3 -m http.server $PORT"]}}]
            """#
        let config = try #require(try ImageConfig.parse(Data(answer.utf8)).first)
        #expect(config.exposedTCPPorts == [8080])
        #expect(config.entrypoint == ["/bin/sh", "-c"] && config.command == ["exec python3 -m http.server $PORT"])
        #expect(config.environmentNames == ["PATH", "PORT_HINT"])
        let bare = try #require(try ImageConfig.parse(Data(#"[{"Id":"a","Config":{"ExposedPorts":null,"Entrypoint":null,"Cmd":null}}]"#.utf8)).first)
        #expect(bare.exposedTCPPorts.isEmpty && bare.entrypoint.isEmpty && bare.command.isEmpty)
    }

    @Test func showProjectForecastsFromTheLastStageOfTheDockerfile() throws {
        let none = try project()
        #expect(HealthPlan.forecast(dockerfile: "FROM a\nHEALTHCHECK CMD true\n", project: none) == "its HEALTHCHECK (Dockerfile)")
        let cloudRun = HealthPlan.forecast(
            dockerfile: "FROM a AS build\nHEALTHCHECK CMD true\nFROM python:3.11-slim\nEXPOSE 8080\nCMD exec python3 main.py --port $PORT\n",
            project: none)
        #expect(cloudRun?.contains("GET / on its EXPOSEd port 8080") == true, "\(cloudRun ?? "nil")")
        #expect(cloudRun?.contains("PORT=8080 is set") == true)
        let ownPort = HealthPlan.forecast(dockerfile: "FROM a\nENV PORT=8080\nEXPOSE 8080\nCMD exec serve $PORT\n", project: none)
        #expect(ownPort?.contains("PORT=") == false, "the image sets PORT itself")
        #expect(HealthPlan.forecast(dockerfile: "FROM a\nHEALTHCHECK NONE\nCMD [\"worker\"]\n", project: none)?
            .hasPrefix("no HEALTHCHECK or EXPOSE in the Dockerfile: alive for 5 s") == true)
        #expect(HealthPlan.forecast(dockerfile: "FROM a\n", project: try project(health: .command("true"))) == nil)
    }

    @Test func showProjectSaysWhatWillDecideAndWhatTheDockerfileTells() async throws {
        let repository = try FakeRepository(files: [
            "Dockerfile": "FROM python:3.11-slim\nCOPY main.py .\nEXPOSE 8080\nCMD exec python3 main.py --port \"${PORT}\"\n",
            "main.py": "print(1)\n",
        ])
        defer { repository.delete() }
        let (status, console) = try await runWorkflows(
            ["-C", repository.root.path, "show_project"], runner: RecordingRunner(), root: try TemporaryFolder.make())
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains(HealthPlan.conventionText))
        #expect(console.stdout.contains(
            "Health, as the Dockerfile tells it: no HEALTHCHECK in the Dockerfile: GET / on its EXPOSEd port 8080"))
    }
}

/// The waits of `HealthPlan.exposedPort` and `.alive` on the fake engine.
extension HealthPlanTests {
    func engine(ports: [String] = ["8080/tcp"], command: [String] = [], answers: [(Int32, String)]) -> FakeEngine {
        let engine = FakeEngine()
        engine.configure {
            $0.healthcheck = nil
            $0.exposedTCPPorts = ImageConfig.tcpPorts(ports)
            $0.command = command
        }
        engine.execAnswers = answers.map { ProcessOutput(termination: .exited($0.0), standardOutput: Data($0.1.utf8)) }
        return engine
    }

    static let health = "workflows-testrun-health"

    @Test func anHTTPAnswerBelow500IsHealthyAndPortIsSetForACommandThatReadsIt() async throws {
        let engine = engine(
            command: ["/bin/sh", "-c", "exec python3 main.py --port $PORT"],
            answers: [(1, "nothing answers on port 8080 yet"), (0, "HTTP 404 from GET / on port 8080")])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains("by HTTP: HTTP 404 from GET / on port 8080"))
        let run = try #require(engine.runs.first { $0.detach })
        #expect(run.image == FakeEngine.imageID && run.environment.last == ContainerVariable("PORT", "8080"))
        let probe = try #require(engine.execs.first)
        #expect(probe.container == Self.health && probe.command.first == "python3" && probe.command.last == "8080")
    }

    @Test func anOpenPortWithoutHTTPCountsOnlyAfterTheStartPeriod() async throws {
        let engine = engine(answers: [(Int32(HealthPlan.openWithoutHTTP), "port 8080 is open but gave no HTTP answer")])
        let (status, console) = try await runWorkflows(["assess_image_health", "--health-timeout", "2"], engine: engine)
        #expect(status == 0, "\(console.all)")
        // The start period is half the timeout here (1 s): the first probes, at once, did not count.
        let seconds = try #require(console.stdout.firstMatch(of: /is healthy after ([0-9.]+)s by TCP: port 8080 is open/)
            .flatMap { Double($0.1) }, "\(console.stdout)")
        #expect(seconds >= 1)
        let run = try #require(engine.runs.first { $0.detach })
        #expect(!run.environment.contains { $0.name == "PORT" }, "the start command does not read $PORT")
    }

    @Test func a5xxIsNotYetUntilTheDeadlineAndThenAFailureWithTheAnswer() async throws {
        let engine = engine(answers: [(1, "HTTP 500 from GET / on port 8080")])
        let (status, console) = try await runWorkflows(["assess_image_health", "--health-timeout", "0.5"], engine: engine)
        #expect(status == 1)
        #expect(console.all.contains("was not healthy by the deadline of 0.5s (its EXPOSEd port 8080: HTTP 500 from GET / on port 8080)"))
        #expect(console.stdout.contains("app: listening"), "its logs are shown")
    }

    @Test func anImageWithoutPython3FailsAtOnceSayingWhatToGive() async throws {
        let engine = engine(answers: [(126, "exec: \"python3\": executable file not found in $PATH")])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.all.contains("the probe needs python3 in the image"))
        #expect(engine.execs.count == 1)
    }

    @Test func aWorkerThatExitsBeforeFiveSecondsFailsWithItsLogs() async throws {
        let engine = engine(ports: [], answers: [])
        engine.script(Self.health, [FakeEngine.state("running", health: nil), FakeEngine.state("exited", health: nil, exitCode: 2)])
        let (status, console) = try await runWorkflows(["assess_image_health"], engine: engine)
        #expect(status == 1)
        #expect(console.all.contains("exited with code 2"))
        #expect(console.all.contains("before it had run for 5 s"))
        #expect(console.stdout.contains("app: listening"), "its logs are shown")
    }
}

/// `--env PORT=N` as `docker run` gets it, or nothing.
private func portArguments(project: Project, image: ImageConfig) -> [String] {
    DockerArguments.environment(HealthPlan.portVariables(project: project, image: image))
}
