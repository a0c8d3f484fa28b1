import Foundation

/// The parts of `docker image inspect` the steps need, read from its whole JSON answer (no `--format`
/// template, which differs between Docker and Podman and fails on an image without a `HEALTHCHECK`).
/// Podman's bare-hex IDs get Docker's `sha256:`; its healthcheck is at the top level, Docker's in `.Config`.
struct ImageConfig: Sendable, Equatable {
    struct Healthcheck: Sendable, Equatable {
        var test: [String]
        /// Seconds; Docker's defaults where the image sets none.
        var interval: Double = 30
        var timeout: Double = 30
        var startPeriod: Double = 0
        var retries: Int = 3
    }

    var id: String
    var user: String
    var workingDirectory: String
    var healthcheck: Healthcheck?
    var labels: [String: String]
    /// The image's own `PYTHONPATH`, if its environment sets one.
    var pythonPath: String? = nil
    /// The TCP ports it EXPOSEs, ascending (`8080/tcp`, or a bare `8080` as OCI allows; UDP ones left out).
    var exposedTCPPorts: [Int] = []
    /// Its ENTRYPOINT and CMD as the engine keeps them (a shell form is `/bin/sh -c TEXT`).
    var entrypoint: [String] = []
    var command: [String] = []
    /// The names its own environment (`ENV`) sets.
    var environmentNames: Set<String> = []

    var runsAsRoot: Bool {
        let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return name.isEmpty || name == "root" || name == "0"
    }

    /// A HEALTHCHECK that actually probes: not absent, and not `HEALTHCHECK NONE`.
    var declaresHealthcheck: Bool {
        guard let test = healthcheck?.test, let kind = test.first else { return false }
        return kind != "NONE" && test.count > 1
    }

    static func inspect(_ image: String, docker: any ContainerEngine) async throws -> ImageConfig {
        guard let config = try await docker.inspectImage(image) else {
            throw WorkflowsError(
                .input, "The engine has no image \(image).",
                remedy: "Build it first: 'workflows build_ci_image', or pass --image with an image that exists.")
        }
        return config
    }

    static func parse(_ json: Data) throws -> [ImageConfig] {
        struct Raw: Decodable {
            struct Health: Decodable {
                var Test: [String]?
                var Interval: Double?
                var Timeout: Double?
                var StartPeriod: Double?
                var Retries: Int?
            }
            struct Config: Decodable {
                var User: String?
                var WorkingDir: String?
                var Healthcheck: Health?
                var Labels: [String: String]?
                var Env: [String]?
                /// `{"8080/tcp": {}}` in Docker's and Podman's answers alike.
                var ExposedPorts: [String: Ignored]?
                var Entrypoint: [String]?
                var Cmd: [String]?
            }
            /// A value whose content does not matter (the `{}` of each exposed port).
            struct Ignored: Decodable { init(from decoder: Decoder) throws {} }
            var Id: String
            var Config: Config?
            /// Podman keeps the healthcheck here.
            var Healthcheck: Health?
        }
        do {
            return try JSONDecoder().decode([Raw].self, from: json).map { raw in
                let health = raw.Config?.Healthcheck ?? raw.Healthcheck
                let nanoseconds = 1e9
                return ImageConfig(
                    id: raw.Id.hasPrefix("sha256:") ? raw.Id : "sha256:" + raw.Id,
                    user: raw.Config?.User ?? "", workingDirectory: raw.Config?.WorkingDir ?? "",
                    healthcheck: health.flatMap { health in
                        health.Test.map { test in
                            Healthcheck(
                                test: test, interval: (health.Interval ?? 0) > 0 ? (health.Interval ?? 0) / nanoseconds : 30,
                                timeout: (health.Timeout ?? 0) > 0 ? (health.Timeout ?? 0) / nanoseconds : 30,
                                startPeriod: (health.StartPeriod ?? 0) / nanoseconds,
                                retries: (health.Retries ?? 0) > 0 ? (health.Retries ?? 0) : 3)
                        }
                    },
                    labels: raw.Config?.Labels ?? [:],
                    pythonPath: raw.Config?.Env?.first { $0.hasPrefix("PYTHONPATH=") }.map { String($0.dropFirst(11)) },
                    exposedTCPPorts: tcpPorts(raw.Config?.ExposedPorts.map { Array($0.keys) } ?? []),
                    entrypoint: raw.Config?.Entrypoint ?? [], command: raw.Config?.Cmd ?? [],
                    environmentNames: Set((raw.Config?.Env ?? []).map { String($0.prefix { $0 != "=" }) }))
            }
        } catch {
            throw WorkflowsError(
                .failed, "Could not read the image inspect answer: \(String(decoding: json.prefix(400), as: UTF8.self)).",
                remedy: "Check that WORKFLOWS_DOCKER is a docker-compatible CLI.")
        }
    }

    /// `8080/tcp` and `8080` are TCP ports; `53/udp` (or `sctp`) is not probed.
    static func tcpPorts(_ keys: [String]) -> [Int] {
        let ports = keys.compactMap { key -> Int? in
            let parts = key.lowercased().split(separator: "/", maxSplits: 1)
            guard parts.count == 1 || parts[1] == "tcp", let port = parts.first.flatMap({ Int($0) }),
                (1...65535).contains(port)
            else { return nil }
            return port
        }
        return Array(Set(ports)).sorted()
    }
}
