import Foundation

/// A label on something the engine keeps (a container, an image, a volume, a network): `key=value`.
struct EngineLabel: Sendable, Equatable, Hashable, CustomStringConvertible {
    var key: String
    var value: String

    init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// `key=value`, as `--label` and `--filter label=` take it.
    var description: String { "\(key)=\(value)" }
}

/// The label schema: every label and name `workflows` puts on the engine, defined here once. `workflows
/// clean` trusts them to tell what a run made, which run, and whether its process is gone.
enum EngineLabels {
    /// Everything a run creates: the run's ID (a step beside another: `ID-SUFFIX`).
    static let run = "workflows.run"
    /// Which host and process made it (`RunOwner`, `host/pid`).
    static let owner = "workflows.owner"
    /// On a built image: the repository it was built as, so that `clean --images` finds it once a later
    /// build has taken its tag.
    static let image = "workflows.image"
    /// On a built image: `ci` or `dev`.
    static let build = "workflows.build"
    /// On a built image: `clean`, `dirty` or `unknown`, the working tree it was built from.
    static let tree = "workflows.tree"
    /// On the gate tools' volumes (tools, seals, shared caches): `gate-tools`.
    static let cache = "workflows.cache"
    static let gateToolsCache = "gate-tools"
    /// On the gate tools' volumes: the key of what they were installed for.
    static let cacheKey = "workflows.cache.key"
    /// On a seal: the volume that holds the sealed tools.
    static let sealedTools = "workflows.cache.tools"
    /// On a seal: `ToolWheels.key`, so that a later build knows there is no need to fetch wheels.
    static let prefetchKey = "workflows.cache.prefetch"
    /// On an install's own volume: the run that made it (until sealed, `workflows clean` removes it once
    /// that run's process is gone).
    static let installer = "workflows.cache.installer"

    /// The repository of a run's own tag of the image it assesses (`workflows-assessed:RUN`).
    static let assessedRepository = "workflows-assessed"
    /// The repository of the derived image the gates run in (`workflows-gates:RUN`).
    static let gatesRepository = "workflows-gates"

    static func run(_ runID: String) -> EngineLabel { EngineLabel(run, runID) }
    static func owner(_ owner: RunOwner) -> EngineLabel { EngineLabel(self.owner, owner.description) }
    static let gateTools = EngineLabel(cache, gateToolsCache)
}
