import Foundation

@testable import WorkflowsKit

/// How the fake engine's builds read a Dockerfile: only what the steps' tests need of the image it makes.
extension FakeEngine {
    /// What the last stage of a build's Dockerfile sets on the image: its `LABEL`s, `USER`, `WORKDIR`,
    /// `ENV`, `EXPOSE`, `HEALTHCHECK` and `CMD` (each at its simplest).
    static func apply(_ dockerfile: String, to config: inout ImageConfig) {
        let lines = dockerfile.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
        let last = lines.lastIndex { $0.uppercased().hasPrefix("FROM ") } ?? lines.startIndex
        for line in lines[last...] {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2 else { continue }
            let rest = words[1].trimmingCharacters(in: .whitespaces)
            switch words[0].uppercased() {
            case "LABEL":
                for (key, value) in labelPairs(rest) { config.labels[key] = value }
            case "USER": config.user = rest
            case "WORKDIR": config.workingDirectory = rest
            case "ENV":
                let name = String(rest.prefix { $0 != "=" && $0 != " " })
                config.environmentNames.insert(name)
                if name == "PYTHONPATH" { config.pythonPath = String(rest.dropFirst(name.count + 1)) }
            case "EXPOSE":
                config.exposedTCPPorts = ImageConfig.tcpPorts(
                    config.exposedTCPPorts.map(String.init) + rest.split(separator: " ").map(String.init))
            case "HEALTHCHECK":
                // Its options (`--interval=1s`…) are left to Docker's defaults.
                var command = Substring(rest)
                while command.hasPrefix("--") { command = command.drop { $0 != " " }.drop { $0 == " " } }
                if command == "NONE" {
                    config.healthcheck = .init(test: ["NONE"])
                } else if command.hasPrefix("CMD ") {
                    let text = command.dropFirst(4).trimmingCharacters(in: .whitespaces)
                    let exec = text.hasPrefix("[") ? try? JSONDecoder().decode([String].self, from: Data(text.utf8)) : nil
                    config.healthcheck = .init(test: exec.map { ["CMD"] + $0 } ?? ["CMD-SHELL", text])
                }
            case "CMD":
                config.command = rest.hasPrefix("[")
                    ? ((try? JSONDecoder().decode([String].self, from: Data(rest.utf8))) ?? [rest])
                    : ["/bin/sh", "-c", rest]
            default: continue
            }
        }
    }

    /// `"k"="v" k2=v2`, with the backslash escapes `BuildImage.labelledDockerfile` writes.
    static func labelPairs(_ text: String) -> [(String, String)] {
        var words: [String] = []
        var word = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == " ", !quoted {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words.compactMap { word in
            guard let equals = word.firstIndex(of: "=") else { return nil }
            return (String(word[..<equals]), String(word[word.index(after: equals)...]))
        }
    }
}
