import Foundation

/// `.State` of `docker container inspect`, as far as the health wait needs it.
struct ContainerState: Sendable, Equatable, Decodable {
    struct HealthState: Sendable, Equatable, Decodable {
        struct Probe: Sendable, Equatable, Decodable {
            var exitCode: Int
            var output: String

            init(exitCode: Int, output: String) {
                self.exitCode = exitCode
                self.output = output
            }
            enum CodingKeys: String, CodingKey {
                case exitCode = "ExitCode"
                case output = "Output"
            }
        }

        var status: String
        var log: [Probe]?

        init(status: String, log: [Probe]?) {
            self.status = status
            self.log = log
        }
        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case log = "Log"
        }
    }

    var status: String
    var exitCode: Int
    var oomKilled: Bool?
    var health: HealthState?

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case exitCode = "ExitCode"
        case oomKilled = "OOMKilled"
        case health = "Health"
    }

    enum Verdict: Sendable, Equatable {
        case healthy
        case waiting
        case unhealthy
        /// The container is no longer running (it crashed or exited).
        case ended(exitCode: Int)
    }

    var verdict: Verdict {
        if status == "exited" || status == "dead" { return .ended(exitCode: exitCode) }
        switch health?.status {
        case "healthy": return .healthy
        case "unhealthy": return .unhealthy
        default: return .waiting
        }
    }

    static func parse(_ json: Data) throws -> ContainerState {
        do {
            return try JSONDecoder().decode(ContainerState.self, from: json)
        } catch {
            throw WorkflowsError(
                .failed, "Could not read the container's state from: \(String(decoding: json, as: UTF8.self)).",
                remedy: "Check that WORKFLOWS_DOCKER is a docker-compatible CLI.")
        }
    }

    /// The last health probes, as a person wants to read them.
    var probeReport: [String] {
        guard let probes = health?.log, !probes.isEmpty else { return ["  (no health probe has run yet)"] }
        return probes.suffix(3).map { probe in
            let output = probe.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let code = probe.exitCode == -1 ? "timed out (-1)" : "exit code \(probe.exitCode)"
            let indented = output.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            return "  probe \(code)" + (output.isEmpty ? "" : ":\n" + indented)
        }
    }
}
