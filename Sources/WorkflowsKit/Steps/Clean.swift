import Foundation

/// `clean`: removes what runs that are no longer alive left on the engine (containers and images with a
/// `workflows.run` label whose `workflows.owner` process is gone, with those runs' temporary tags) and in
/// this host's temporary folder (their folders), and on request the dangling images of earlier builds of
/// the image (`--images`), the gate tools' caches (`--caches`) and the engine's build cache (`--build-cache`,
/// which the user's own builds share: only when asked). Otherwise it never touches anything without our
/// labels, nor a live run's. `--dry-run` lists and removes nothing.
struct Clean: Sendable {
    /// A step beside another has a scoped run ID (`ID-health`): the run is `ID`.
    static func baseRunID(_ run: String) -> String {
        String(run.split(separator: "-", maxSplits: 1).first ?? Substring(run))
    }

    var image: String
    var images: Bool
    var caches: Bool
    var buildCache: Bool = false
    var dryRun: Bool
    var docker: any ContainerEngine
    var console: Console

    struct Leftover: Sendable, Equatable {
        var id: String
        var run: String
        var owner: String
    }

    func run() async throws {
        try await docker.requireEngine()
        let containers = try await leftovers(.container)
        let runImages = try await leftovers(.image)
        let runVolumes = try await leftovers(.volume)
        let runNetworks = try await leftovers(.network)
        let installs = try await unsealedInstalls()
        let (dead, alive) = Self.split(containers + runImages + runVolumes + runNetworks + installs)
        for leftover in alive {
            console.info("Kept: \(leftover.id.prefix(12)) of run \(leftover.run), whose process \(leftover.owner) is alive.")
        }
        let deadContainers = containers.filter { dead.contains($0) }.map(\.id)
        let deadImages = runImages.filter { dead.contains($0) }.map(\.id)
        try await remove("containers of ended runs", deadContainers, .container, force: true)
        try await remove("images of ended runs", deadImages, .image, force: true)
        try await remove(
            "volumes of ended runs", (runVolumes + installs).filter { dead.contains($0) }.map(\.id), .volume, force: true)
        // The services' networks, once their containers are gone.
        try await remove("networks of ended runs", runNetworks.filter { dead.contains($0) }.map(\.id), .network, force: false)
        // The run's own tag of the image it assessed carries no label of ours, only the run's ID: it goes
        // when that run is known dead. (A run killed before it labelled anything cannot be known dead.)
        let deadRuns = Set(dead.map { Self.baseRunID($0.run) })
        var tags: [String] = []
        for repository in [EngineLabels.assessedRepository, RunServices.builtRepository] {
            tags += try await docker.list(.image, ListQuery(all: false, tagsOf: repository)).filter {
                deadRuns.contains(Self.baseRunID(String($0.dropFirst(repository.count + 1))))
            }
        }
        try await remove("tags of ended runs", tags, .image, force: false)
        // So are its temporary folders here (a killed run's gates' build context): they carry its ID.
        removeFolders(Self.temporaryFolders(of: deadRuns))
        if images {
            let repository = ImageReference.repository(of: image)
            let dangling = try await docker.list(
                .image, ListQuery([.dangling, .label(EngineLabel(EngineLabels.image, repository))], all: false))
            try await remove("dangling images of earlier builds of \(repository)", dangling, .image, force: false)
        }
        if caches {
            // Without --force: a volume that a live run's container uses is refused by the engine, and kept.
            let volumes = try await docker.list(.volume, ListQuery([.labelled(EngineLabels.cache)]))
            try await remove("gate tools volumes (tools, their seals, the shared caches)", volumes, .volume, force: false)
        }
        if buildCache { try await pruneBuildCache() }
    }

    /// BuildKit's cache, `RUN --mount=type=cache` folders included; what an image or a running build uses
    /// stays. (The legacy builder's layer cache is images, which this does not prune.) Podman keeps its
    /// layer cache as images: `--images` removes this image's earlier builds, not the unlabelled images of
    /// earlier stages.
    private func pruneBuildCache() async throws {
        if await docker.isPodman() {
            console.info(
                "No build cache to prune: Podman keeps its build's layers as images. clean --images removes this "
                    + "image's earlier builds; the untagged images of a build_dev_image's earlier stages carry no label "
                    + "of ours ('podman image prune' removes them, with every other dangling image).")
            return
        }
        if dryRun {
            console.info("Would prune the engine's build cache (\(docker.name) builder prune --force; shared with your other builds).")
            return
        }
        let result = try await docker.pruneBuildCache()
        if result.succeeded {
            let total = result.outputText.split(whereSeparator: \.isNewline).last { $0.hasPrefix("Total") }
            console.success("Pruned the engine's build cache" + (total.map { " (\($0))" } ?? "") + ".")
        } else {
            console.warning("The build cache was not pruned: \(result.errorText)")
        }
    }

    /// Everything of `kind` that carries a run label, with its run and owner.
    private func leftovers(_ kind: EngineObject) async throws -> [Leftover] {
        try await labelled(kind, runLabel: EngineLabels.run)
    }

    /// The gate tools' installs that no seal names (`GateTools`): their installer's run and owner.
    private func unsealedInstalls() async throws -> [Leftover] {
        let installs = try await labelled(.volume, runLabel: EngineLabels.installer)
        guard !installs.isEmpty else { return [] }
        let seals = try await docker.list(.volume, ListQuery([.labelled(EngineLabels.sealedTools)]))
        let named = Set(try await docker.labels(of: .volume, seals, keys: [EngineLabels.sealedTools]).compactMap(\.values.first))
        return installs.filter { !named.contains($0.id) }
    }

    /// Everything of `kind` that carries `runLabel`, with that label's value as its run, and its owner.
    private func labelled(_ kind: EngineObject, runLabel: String) async throws -> [Leftover] {
        let found = try await docker.list(kind, ListQuery([.labelled(runLabel)]))
        return try await docker.labels(of: kind, found, keys: [runLabel, EngineLabels.owner]).map {
            Leftover(id: $0.id, run: $0.values[0], owner: $0.values[1])
        }
    }

    /// Dead: its owner is a process of this host that is gone, or it has no owner label (an older run).
    static func split(_ leftovers: [Leftover]) -> (dead: [Leftover], alive: [Leftover]) {
        var dead: [Leftover] = []
        var alive: [Leftover] = []
        for leftover in leftovers {
            if let owner = RunOwner(label: leftover.owner), owner.isAlive { alive.append(leftover) } else { dead.append(leftover) }
        }
        return (dead, alive)
    }

    /// The temporary folders of `runs` in `directory`: `workflows-PURPOSE-RUNID-XXXXXXXX`, as
    /// `RunResources.temporaryFolder` names them.
    static func temporaryFolders(
        of runs: Set<String>, in directory: URL = FileManager.default.temporaryDirectory
    ) -> [URL] {
        guard !runs.isEmpty, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            return []
        }
        return names.sorted().filter { name in
            name.hasPrefix("workflows-") && runs.contains { name.contains("-\($0)-") }
        }.map { directory.appendingPathComponent($0) }
    }

    private func removeFolders(_ folders: [URL]) {
        guard !folders.isEmpty else {
            console.info("No temporary folders of ended runs.")
            return
        }
        let names = folders.map(\.lastPathComponent).joined(separator: " ")
        if dryRun {
            console.info("Would remove \(folders.count) temporary folders of ended runs: \(names)")
            return
        }
        let kept = folders.filter { (try? FileManager.default.removeItem(at: $0)) == nil }
        if kept.isEmpty {
            console.success("Removed \(folders.count) temporary folders of ended runs.")
        } else {
            console.warning("Some temporary folders of ended runs were kept: \(kept.map(\.path).joined(separator: " "))")
        }
    }

    private func remove(_ what: String, _ ids: [String], _ kind: EngineObject, force: Bool) async throws {
        guard !ids.isEmpty else {
            console.info("No \(what).")
            return
        }
        let short = ids.map { String($0.replacingOccurrences(of: "sha256:", with: "").prefix(12)) }
        if dryRun {
            console.info("Would remove \(ids.count) \(what): \(short.joined(separator: " "))")
            return
        }
        let result = try await docker.remove(kind, ids, force: force)
        if result.succeeded {
            console.success("Removed \(ids.count) \(what).")
        } else {
            console.warning("Some \(what) were kept: \(result.errorText)")
        }
    }
}
