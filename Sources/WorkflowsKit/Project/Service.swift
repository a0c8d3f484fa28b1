import Foundation
import TOML

/// A container that the project's tests or its image need beside them (a database, a cache), as CI's
/// `services:`: started on a step's own network under its name, waited until healthy, removed with the run.
struct Service: Sendable, Equatable {
    enum Source: Sendable, Equatable {
        /// An image reference, used as the engine has it (or pulls it).
        case image(String)
        /// A folder, relative to the repository root, with a Dockerfile: built for the run.
        case build(String)
    }

    /// Its host name on the step's network (the network alias the gates and the health container use).
    var name: String
    var source: Source
    /// Its container's environment; values that came from `${VAR}` are in `Project.secrets`.
    var environment: [String: String] = [:]
    /// A shell command, as `docker run --health-cmd` runs it; nil: the image's HEALTHCHECK, else a TCP
    /// connect to its EXPOSEd port.
    var health: String? = nil
    /// How long it may take from `docker run` to healthy.
    var healthTimeoutSeconds: Double = Service.defaultHealthTimeoutSeconds
    /// One instance for the gates and the health check, on a network they share; else one for each step.
    var shared: Bool = false

    static let defaultHealthTimeoutSeconds: Double = 60

    /// What the project file says of it, in one line: `image postgres:16` or `build db/`.
    var sourceText: String {
        switch source {
        case .image(let image): return "image " + image
        case .build(let folder): return "build " + folder
        }
    }
}

/// `[services.NAME]` as the project file sets it, each key with its place; checked against the repository
/// by `resolve`.
struct ServiceValues: Sendable, Equatable {
    var name: String
    /// `file:line` of its table.
    var origin: String
    var image: ProjectFile.Value<String>?
    var build: ProjectFile.Value<String>?
    var environment: ProjectFile.Value<[String: String]>?
    var health: ProjectFile.Value<String>?
    var healthTimeout: ProjectFile.Value<Double>?
    var shared: ProjectFile.Value<Bool>?

    static let keys = ["image", "build", "environment", "health", "health-timeout", "shared"]
    /// A DNS label, since it is the service's host name: what every engine accepts as a network alias.
    static let namePattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"

    /// The `services` table of the file `reader` reads, sorted by name; [] when it has none.
    static func decode(_ reader: KeyReader) throws -> [ServiceValues] {
        guard let services = try reader.table("services") else { return [] }
        let prefix = reader.prefix + "services."
        return try services.keys.sorted().map { name in
            let position = services.position(of: name) ?? reader.position("services")
            guard name.range(of: namePattern, options: .regularExpression) != nil else {
                throw ProjectFileError(
                    file: reader.file, position: position,
                    "'\(prefix)\(name)': a service's name is its host name on the run's network: lower-case letters, "
                        + "digits and '-', at most 63, not starting or ending with '-'")
            }
            guard let table = services[name]?.tableValue else {
                throw ProjectFileError(
                    file: reader.file, position: position,
                    "'\(prefix)\(name)' must be a table ([\(prefix)\(name)] with image or build, environment, health, "
                        + "health-timeout, shared)")
            }
            let keys = KeyReader(table: table, file: reader.file, prefix: prefix + name + ".", secrets: reader.secrets)
            try keys.rejectUnknown(allowed: Self.keys)
            var values = ServiceValues(name: name, origin: "\(reader.file):\(position.line)")
            values.image = try keys.string("image", expanding: true)
            values.build = try keys.string("build")
            values.environment = try keys.environment("environment", expanding: true)
            values.health = try keys.string("health", expanding: true)
            values.healthTimeout = try keys.seconds("health-timeout")
            values.shared = try keys.boolean("shared")
            switch (values.image, values.build) {
            case (let image?, _?):
                throw ProjectFileError(
                    file: reader.file, position: image.position,
                    "'\(prefix)\(name).image' and '\(prefix)\(name).build' exclude each other: keep one")
            case (nil, nil):
                throw ProjectFileError(
                    file: reader.file, position: position,
                    "'\(prefix)\(name)' names no image: add image = \"postgres:16\" (an image reference) or "
                        + "build = \"FOLDER\" (a folder with a Dockerfile)")
            case (let image?, nil) where !isValidImage(image.value):
                throw ProjectFileError(
                    file: reader.file, position: image.position,
                    "'\(prefix)\(name).image' is '\(reader.secrets.mask(image.value))', which is not a valid image "
                        + "reference (lower-case name, optional :tag and @sha256:digest)")
            default:
                return values
            }
        }
    }

    /// A reference as `docker run` takes it: `name[:tag][@sha256:hex]`.
    static func isValidImage(_ reference: String) -> Bool {
        var name = Substring(reference)
        if let at = reference.firstIndex(of: "@") {
            guard reference[reference.index(after: at)...].range(of: "^sha256:[a-f0-9]{64}$", options: .regularExpression) != nil
            else { return false }
            name = reference[..<at]
        }
        return ImageReference.isValid(String(name))
    }

    /// The services, a `build` folder checked to hold a Dockerfile inside the repository; their keys'
    /// origins go to `origins` as `services.NAME.KEY`.
    static func resolve(
        _ services: [ServiceValues], file: String, root: URL, origins: inout [String: String]
    ) throws -> [Service] {
        try services.map { values in
            let key = "services.\(values.name)."
            let source: Service.Source
            if let folder = values.build {
                try checkBuildFolder(folder, key: key + "build", file: file, root: root)
                source = .build((folder.value as NSString).standardizingPath)
                origins[key + "build"] = folder.origin
            } else {
                source = .image(values.image?.value ?? "")
                origins[key + "image"] = values.image?.origin ?? values.origin
            }
            var service = Service(name: values.name, source: source)
            if let environment = values.environment {
                service.environment = environment.value
                origins[key + "environment"] = environment.origin
            }
            if let health = values.health {
                service.health = health.value
                origins[key + "health"] = health.origin
            }
            if let timeout = values.healthTimeout {
                service.healthTimeoutSeconds = timeout.value
                origins[key + "health-timeout"] = timeout.origin
            }
            if let shared = values.shared {
                service.shared = shared.value
                origins[key + "shared"] = shared.origin
            }
            return service
        }
    }

    private static func checkBuildFolder(_ value: ProjectFile.Value<String>, key: String, file: String, root: URL) throws {
        let normalized = (value.value as NSString).standardizingPath
        guard !value.value.hasPrefix("/"), normalized != "..", !normalized.hasPrefix("../") else {
            throw ProjectFileError(
                file: file, position: value.position, "'\(key)' names '\(value.value)', which is outside the repository")
        }
        let folder = normalized == "." || normalized.isEmpty ? root : root.appendingPathComponent(normalized)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ProjectFileError(
                file: file, position: value.position,
                "'\(key)' names '\(value.value)', which is not a folder in the repository root")
        }
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("Dockerfile").path) else {
            throw ProjectFileError(
                file: file, position: value.position,
                "'\(key)' names '\(value.value)', which holds no Dockerfile: a service is built from one")
        }
    }
}

extension KeyReader {
    /// A non-empty string; `expanding`: `${VAR}` in it is replaced (`Interpolation`).
    func string(_ key: String, expanding: Bool) throws -> ProjectFile.Value<String>? {
        guard let value = try string(key) else { return nil }
        guard expanding else { return value }
        let text = try secrets.expand(value.value, key: prefix + key, file: file, position: value.position)
        return .init(value: text, origin: value.origin, position: value.position)
    }

    func boolean(_ key: String) throws -> ProjectFile.Value<Bool>? {
        guard let value = table[key] else { return nil }
        guard let flag = value.boolValue else { throw wrongType(key, "true or false", value) }
        return .init(value: flag, origin: origin(key), position: position(key))
    }
}

extension SecretCollector {
    /// `text` with every value collected so far as `***`: for messages about a value that may hold one.
    func mask(_ text: String) -> String {
        values.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
