import Foundation

/// What git says about the checkout. Quiet queries; `nil` where git has no answer.
struct Git: Sendable {
    var runner: any ProcessRunning
    var root: URL
    /// Folders the tree check passes over, relative to the work tree's top (`RepositoryPaths.workTree`):
    /// the run's own report folder.
    var ignoredPaths: [String] = []

    struct Facts: Sendable, Equatable {
        var commit: String
        var branch: String
        /// `git describe --tags`, or nil when no tag is reachable.
        var describe: String?
        /// The tag that points exactly at HEAD, if any.
        var exactTag: String?
        var origin: String?
        /// Whether the checkout holds only what HEAD holds; `unknown` when `git status` failed.
        var tree: Tree = .clean

        /// True for uncommitted or untracked (not ignored) files: the build context may hold code HEAD does not.
        var dirty: Bool { tree == .dirty }
    }

    /// What `git status` says of the working tree. Only `clean` may lead to a publishable image: a tree
    /// git could not judge (a corrupt index, a permission problem, a `safe.directory` refusal) is not clean.
    enum Tree: Sendable, Equatable {
        case clean
        case dirty
        /// `git status` failed; why, in git's words.
        case unknown(reason: String)

        /// The value of the image's `workflows.tree` label.
        var label: String {
            switch self {
            case .clean: return "clean"
            case .dirty: return "dirty"
            case .unknown: return "unknown"
            }
        }
    }

    /// nil outside a git repository (or without git).
    func facts() async -> Facts? {
        guard let commit = await answer(["rev-parse", "--verify", "HEAD"]) else { return nil }
        // Independent questions, asked at once.
        async let branch = answer(["rev-parse", "--abbrev-ref", "HEAD"])
        async let describe = answer(["describe", "--tags"])
        async let exactTag = headTag()
        async let origin = answer(["remote", "get-url", "origin"])
        async let tree = tree()
        return Facts(
            commit: commit, branch: await branch ?? "HEAD", describe: await describe, exactTag: await exactTag,
            origin: await origin, tree: await tree)
    }

    /// `git status --porcelain`: no output is clean, some is dirty, and a failure is unknown, never clean.
    private func tree() async -> Tree {
        let output: ProcessOutput
        do {
            output = try await runner.run(Command(
                "git", ["status", "--porcelain", "--", ":/"] + ignoredPaths.map { ":(top,exclude)" + $0 }, workingDirectory: root.path))
        } catch {
            return .unknown(reason: "\(error)")
        }
        guard output.succeeded else {
            let said = output.errorText.split(whereSeparator: \.isNewline).suffix(3).joined(separator: "; ")
            return .unknown(reason: "git status failed (\(describe(output.termination)))" + (said.isEmpty ? "" : ": \(said)"))
        }
        return output.outputText.isEmpty ? .clean : .dirty
    }

    /// Of the tags at HEAD, the one to publish: the highest stable version, else the highest
    /// pre-release, else the first by name.
    private func headTag() async -> String? {
        guard let list = await answer(["tag", "--points-at", "HEAD"]) else { return nil }
        let tags = list.split(whereSeparator: \.isNewline).map(String.init).sorted()
        let versions = tags.compactMap { tag in TagRules.SemanticVersion(tag).map { (tag, $0) } }
        let stable = versions.filter { $0.1.preRelease == nil }
        if let best = (stable.isEmpty ? versions : stable).max(by: { $0.1 < $1.1 }) { return best.0 }
        return tags.first
    }

    /// Every tag of the repository.
    func tags() async -> [String] {
        await answer(["tag", "--list"])?.split(whereSeparator: \.isNewline).map(String.init) ?? []
    }

    func gitDirectory() async -> URL? {
        guard let path = await answer(["rev-parse", "--absolute-git-dir"]) else { return nil }
        return URL(fileURLWithPath: path)
    }

    private func answer(_ arguments: [String]) async -> String? {
        guard let output = try? await runner.run(Command("git", arguments, workingDirectory: root.path)),
            output.succeeded, !output.outputText.isEmpty
        else { return nil }
        return output.outputText
    }

    /// An origin remote as a browsable https URL: `git@github.com:o/r.git` → `https://github.com/o/r`.
    static func browsableURL(_ remote: String) -> String? {
        var text = remote
        if text.hasSuffix(".git") { text.removeLast(4) }
        if text.hasPrefix("git@"), let colon = text.firstIndex(of: ":") {
            let host = text[text.index(text.startIndex, offsetBy: 4)..<colon]
            return "https://\(host)/\(text[text.index(after: colon)...])"
        }
        guard var components = URLComponents(string: text), let scheme = components.scheme,
            ["https", "http", "ssh"].contains(scheme), components.host != nil
        else { return nil }
        components.scheme = "https"
        components.user = nil
        components.password = nil
        components.port = nil
        return components.string
    }
}
