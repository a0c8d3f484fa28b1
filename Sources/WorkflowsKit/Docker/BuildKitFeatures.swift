import Foundation

/// The parts of a Dockerfile that only BuildKit builds, and whether a failed build was the legacy builder
/// refusing them: then the build's failure says that the engine needs BuildKit and how to enable it,
/// instead of "fix the Dockerfile".
struct BuildKitFeatures: Sendable, Equatable {
    struct Use: Sendable, Equatable {
        /// 1-based, in the Dockerfile.
        var line: Int
        /// `RUN --mount`, `a heredoc (<<EOF)`, `# syntax=`.
        var feature: String
    }

    var uses: [Use]

    /// Flags of RUN, COPY and ADD that the legacy builder does not know.
    static let flags: [(instructions: Set<String>, flag: String)] = [
        (["RUN"], "--mount"), (["RUN"], "--network"), (["RUN"], "--security"),
        (["COPY", "ADD"], "--chmod"), (["COPY", "ADD"], "--link"), (["COPY", "ADD"], "--parents"),
        (["COPY", "ADD"], "--exclude"), (["ADD"], "--checksum"), (["ADD"], "--keep-git-dir"),
    ]

    init(uses: [Use]) { self.uses = uses }

    /// What `dockerfile` uses that only BuildKit builds, line by line.
    init(dockerfile: String) {
        var uses: [Use] = []
        var inDirectives = true
        var heredocEnd: String?
        for (offset, raw) in dockerfile.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = offset + 1
            if let end = heredocEnd {
                if line == end { heredocEnd = nil }
                continue
            }
            if inDirectives, line.hasPrefix("#") {
                let directive = line.dropFirst().replacingOccurrences(of: " ", with: "").lowercased()
                if directive.hasPrefix("syntax=") { uses.append(Use(line: number, feature: "# syntax=")) }
                continue
            }
            inDirectives = false
            guard !line.hasPrefix("#") else { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let instruction = words.first?.uppercased() else { continue }
            for (instructions, flag) in Self.flags where instructions.contains(instruction) {
                if words.dropFirst().contains(where: { $0 == flag || $0.hasPrefix(flag + "=") }) {
                    uses.append(Use(line: number, feature: "\(instruction) \(flag)"))
                }
            }
            if ["RUN", "COPY", "ADD"].contains(instruction),
                let marker = words.dropFirst().first(where: { $0.hasPrefix("<<") && $0.count > 2 })
            {
                let name = marker.dropFirst(2).drop { $0 == "-" }.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                if name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil {
                    uses.append(Use(line: number, feature: "a heredoc (\(marker))"))
                    heredocEnd = name
                }
            }
        }
        self.uses = uses
    }

    /// Whether a failed build's output shows the legacy builder refusing what BuildKit would build: it says
    /// so itself (`the --mount option requires BuildKit`), or it could not parse a Dockerfile that uses
    /// BuildKit's syntax.
    func refusedByLegacyBuilder(output: String) -> Bool {
        if output.contains("requires BuildKit") { return true }
        let builtByBuildKit = output.contains("#0 building with") || output.range(of: #"(?m)^#\d+ \["#, options: .regularExpression) != nil
        return !uses.isEmpty && !builtByBuildKit && output.contains("dockerfile parse error")
    }

    /// The failure for a build that the legacy builder refused.
    func error(dockerfile: String, image: String) -> WorkflowsError {
        let listed = uses.map { "\($0.feature) at \(dockerfile):\($0.line)" }
        return WorkflowsError(
            .tooling,
            "\(dockerfile) needs BuildKit" + (listed.isEmpty ? "" : " (" + listed.joined(separator: "; ") + ")")
                + ", and the engine built \(image) with the legacy builder, which cannot build it.",
            remedy: Builder.enableBuildKit + ". The Dockerfile itself is fine.")
    }
}
