import Foundation

/// What `assess_image_health` waits for, in this order: the project's probe (`health.url` or
/// `health.command`), else the image's own HEALTHCHECK, else its lowest EXPOSEd TCP port probed from inside
/// the container (HTTP `GET /` below 500 is healthy; an open port that gives no HTTP answer is healthy by
/// TCP once the start period is over; a 5xx or no answer is "not yet" until the deadline), else the
/// container must stay running for 5 s: "no probe: alive for 5 s", a pass that says it proved little.
enum HealthPlan: Sendable, Equatable {
    case projectProbe
    case imageHealthcheck
    case exposedPort(Int)
    case alive

    static let aliveSeconds = 5.0
    /// A probe of ours that passes counts once the container has been running this long: it can pass in
    /// the moment before an app that crashes at start exits (seen on a loaded machine at 0.2 s).
    static let passSettleSeconds = 1.0

    /// Waits until `passSettleSeconds` have passed since `start` (the container's start).
    static func settle(since start: Date) async throws {
        let wait = passSettleSeconds - Date().timeIntervalSince(start)
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
    }

    /// How long an open port that gives no HTTP answer is given to start answering before TCP alone counts
    /// (at most half the health timeout).
    static let tcpStartPeriodSeconds = 5.0
    /// The port probe's exit status for "open, but no HTTP answer".
    static let openWithoutHTTP = 3

    init(project: Project, image: ImageConfig) {
        if project.health != nil {
            self = .projectProbe
        } else if image.declaresHealthcheck {
            self = .imageHealthcheck
        } else if let port = image.exposedTCPPorts.first {
            self = .exposedPort(port)
        } else {
            self = .alive
        }
    }

    /// What `show_project` says when the project gives no probe: the choice needs the image.
    static let conventionText = "the image's HEALTHCHECK, else its EXPOSEd port (HTTP GET /, else TCP), else alive for 5 s"

    /// `--env PORT=N` for the health container: only when the image EXPOSEs a TCP port, its ENTRYPOINT or
    /// CMD names `$PORT` or `${PORT}` (as Cloud Run's templates do), and neither its own environment nor
    /// `health.environment` sets `PORT`.
    static func portVariables(project: Project, image: ImageConfig) -> [ContainerVariable] {
        guard let port = image.exposedTCPPorts.first, namesPort(image.entrypoint + image.command),
            !image.environmentNames.contains("PORT"), project.healthEnvironment["PORT"] == nil
        else { return [] }
        return [ContainerVariable("PORT", "\(port)")]
    }

    /// `$PORT`, `${PORT}` or `${PORT:-…}` in the start command's text (not `$PORTS`, not `$$PORT`).
    static func namesPort(_ words: [String]) -> Bool {
        words.joined(separator: " ").range(of: #"(?<!\$)\$(\{PORT[}:]|PORT(?![A-Za-z0-9_]))"#, options: .regularExpression) != nil
    }

    /// The probe of an EXPOSEd port, as `docker exec` runs it: Python's standard library, from inside the
    /// container (so it works against remote engines and needs no published port). Exit 0: an HTTP answer
    /// below 500; 1: nothing listens yet, or a 5xx; `openWithoutHTTP`: the port is open but no HTTP came.
    static func portProbe(_ port: Int) -> [String] {
        let code = """
            import http.client, sys
            port = int(sys.argv[1])
            connection = http.client.HTTPConnection("localhost", port, timeout=3)
            try:
                connection.connect()
            except OSError as error:
                print(f"nothing answers on port {port} yet ({error})")
                sys.exit(1)
            try:
                connection.request("GET", "/", headers={"User-Agent": "workflows-health"})
                status = connection.getresponse().status
            except (http.client.HTTPException, OSError) as error:
                print(f"port {port} is open but gave no HTTP answer ({type(error).__name__}: {error})")
                sys.exit(\(openWithoutHTTP))
            print(f"HTTP {status} from GET / on port {port}")
            sys.exit(0 if status < 500 else 1)
            """
        return ["python3", "-c", code, String(port)]
    }

    /// What the Dockerfile says of health, for `show_project` (the base image may add a HEALTHCHECK or
    /// EXPOSE of its own, so this is a forecast); nil when the project gives its own probe.
    static func forecast(dockerfile text: String, project: Project) -> String? {
        guard project.health == nil else { return nil }
        var lines: [String] = []
        for line in DockerfileStages.logicalLines(text) {
            // Only the last stage's instructions reach the image.
            if line.uppercased().hasPrefix("FROM ") { lines = [] } else { lines.append(line) }
        }
        func operands(_ instruction: String) -> [String] {
            lines.filter { $0.uppercased().hasPrefix(instruction + " ") }.map { String($0.dropFirst(instruction.count + 1)) }
        }
        if let healthcheck = operands("HEALTHCHECK").last, healthcheck.trimmingCharacters(in: .whitespaces).uppercased() != "NONE" {
            return "its HEALTHCHECK (Dockerfile)"
        }
        let ports = ImageConfig.tcpPorts(operands("EXPOSE").flatMap { $0.split(separator: " ").map(String.init) })
        guard let port = ports.first else {
            return "no HEALTHCHECK or EXPOSE in the Dockerfile: alive for 5 s, unless its base image has either"
        }
        let start = Array(operands("ENTRYPOINT").suffix(1) + operands("CMD").suffix(1))
        let setsPort = operands("ENV").contains { $0.hasPrefix("PORT=") || $0.hasPrefix("PORT ") || $0.contains(" PORT=") }
        let portNote = namesPort(start) && !setsPort ? "; PORT=\(port) is set, as its start command reads $PORT" : ""
        return "no HEALTHCHECK in the Dockerfile: GET / on its EXPOSEd port \(port) (HTTP below 500, else TCP), "
            + "unless its base image has a HEALTHCHECK\(portNote)"
    }
}
