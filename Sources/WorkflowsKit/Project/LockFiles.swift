import Foundation
import TOML

/// The versions a lock file pins (`uv.lock`, else `poetry.lock`, both TOML with `[[package]]` name and
/// version): constraints for the tools' install, so that a gate tool and its dependencies come in the
/// versions the project locked.
enum LockFiles {
    static let names = ["uv.lock", "poetry.lock"]

    /// The first lock file at the root and its `name==version` pins, sorted; nil when there is none.
    /// Left out: installers, packages not from a registry (the project itself, `path`/`git`/`url` sources),
    /// and a name locked at several versions (for several Pythons or platforms: no single pin is right).
    static func pins(root: URL) throws -> (file: String, pins: [String])? {
        guard let name = names.first(where: { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }) else {
            return nil
        }
        let lock = try TOMLFiles.read(root.appendingPathComponent(name), name: name)
        var versions: [String: Set<String>] = [:]
        for item in lock["package"]?.arrayValue ?? [] {
            guard let package = item.tableValue, let packageName = package["name"]?.stringValue,
                let version = package["version"]?.stringValue, fromRegistry(package)
            else { continue }
            let normalized = Requirements.normalize(packageName)
            guard !TestDependencies.installers.contains(normalized) else { continue }
            versions[normalized, default: []].insert(version)
        }
        let pins = versions.compactMap { name, found in found.count == 1 ? "\(name)==\(found.first ?? "")" : nil }
        return (name, pins.sorted())
    }

    /// uv: `source = { registry = … }`; Poetry: no `[package.source]`, or one of type `legacy` (a private index).
    private static func fromRegistry(_ package: TOMLTable) -> Bool {
        guard let source = package["source"]?.tableValue else { return true }
        if source["registry"] != nil { return true }
        if let type = source["type"]?.stringValue { return type == "legacy" }
        return false
    }
}
