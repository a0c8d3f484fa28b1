import Foundation

/// Which tags an image gets, after docker/metadata-action: `latest` for the latest branches, the git tag
/// itself, and for a stable semantic version also `X.Y.Z`, `X.Y` and `X`. A pre-release gets only its own
/// version; an older release never moves `latest`.
enum TagRules {
    struct Plan: Sendable, Equatable {
        var tags: [String]
        /// Why these tags, or why none.
        var reason: String
    }

    struct SemanticVersion: Sendable, Equatable, Comparable {
        var major: Int
        var minor: Int
        var patch: Int
        var preRelease: String?

        init?(_ text: String) {
            let pattern = #"^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?$"#
            guard let match = try? NSRegularExpression(pattern: pattern).firstMatch(
                in: text, range: NSRange(text.startIndex..., in: text))
            else { return nil }
            func group(_ index: Int) -> String? {
                Range(match.range(at: index), in: text).map { String(text[$0]) }
            }
            guard let major = group(1).flatMap(Int.init), let minor = group(2).flatMap(Int.init),
                let patch = group(3).flatMap(Int.init)
            else { return nil }
            self.major = major
            self.minor = minor
            self.patch = patch
            self.preRelease = group(4)
        }

        var core: String { "\(major).\(minor).\(patch)" }
        var full: String { preRelease.map { core + "-" + $0 } ?? core }

        /// Precedence as semver.org has it, with pre-release identifiers compared as text.
        static func < (a: Self, b: Self) -> Bool {
            if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) {
                return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
            }
            switch (a.preRelease, b.preRelease) {
            case (.some(let x), .some(let y)): return x < y
            case (.some, .none): return true
            default: return false
            }
        }
    }

    /// - Parameters:
    ///   - branch: the branch being built, nil when detached or unknown.
    ///   - tag: the git tag at HEAD (or the one being built), if any.
    ///   - knownTags: every tag of the repository, so that an older release does not move `latest`.
    static func plan(branch: String?, tag: String?, latestBranches: [String], knownTags: [String]) throws
        -> Plan
    {
        var tags: [String] = []
        var reasons: [String] = []
        var mayMoveLatest = branch.map(latestBranches.contains) ?? false
        if mayMoveLatest, let branch { reasons.append("branch \(branch) is a latest branch") }

        if let tag {
            guard ImageReference.isValidTag(tag) else {
                throw WorkflowsError(
                    .input,
                    "The git tag '\(tag)' is not a valid Docker tag (letters, digits, '_', '.' and '-', "
                        + "not starting with '.' or '-', at most 128 characters). Nothing was pushed.",
                    remedy: "Tag the commit with a valid name, such as v1.2.3.")
            }
            tags.append(tag)
            reasons.append("HEAD is tagged \(tag)")
            if let version = SemanticVersion(tag) {
                if version.preRelease != nil {
                    tags.append(version.full)
                    mayMoveLatest = false
                    reasons.append("a pre-release gets only its own version")
                } else {
                    let releases = knownTags.compactMap(SemanticVersion.init).filter { $0.preRelease == nil }
                    tags.append(version.core)
                    // A hotfix of an older line moves its own X.Y, and X only while no newer X.Y exists.
                    if !releases.contains(where: { $0.major == version.major && $0.minor == version.minor && version < $0 }) {
                        tags.append("\(version.major).\(version.minor)")
                    }
                    if !releases.contains(where: { $0.major == version.major && version < $0 }) {
                        tags.append("\(version.major)")
                    }
                    let newest = releases.max()
                    if let newest, version < newest {
                        mayMoveLatest = false
                        reasons.append("\(newest.full) is newer, so latest stays")
                    } else {
                        mayMoveLatest = true
                    }
                }
            }
        }
        if mayMoveLatest { tags.append("latest") }

        var unique: [String] = []
        for tag in tags where !unique.contains(tag) { unique.append(tag) }
        if unique.isEmpty {
            let where_ = branch.map { "branch \($0)" } ?? "a detached HEAD"
            return Plan(
                tags: [],
                reason: "Nothing to publish: \(where_) is not one of the latest branches "
                    + "(\(latestBranches.joined(separator: ", "))) and HEAD has no tag.")
        }
        return Plan(tags: unique, reason: reasons.joined(separator: "; "))
    }
}
