import Foundation

/// Which image passed the whole quality pipeline for which commit, kept in the repository's git folder so
/// that a later `publish_image` (another invocation, same machine and engine) can check it.
public enum PassRecord {
    public struct Entry: Codable, Sendable, Equatable {
        public var image: String
        public var imageID: String
        public var commit: String
        public var recordedAt: String
    }

    static let pipeline = ["build_ci_image", "assess_image_code", "assess_image_health"]

    /// True when the last build of the steps that ran was `build_ci_image` and both assessments followed it:
    /// a later build replaces the image that was assessed.
    public static func covers(_ steps: [String]) -> Bool {
        let builds: Set<String> = ["build_ci_image", "build_dev_image"]
        guard let lastBuild = steps.lastIndex(where: builds.contains), steps[lastBuild] == pipeline[0] else {
            return false
        }
        let after = steps[steps.index(after: lastBuild)...]
        return pipeline.dropFirst().allSatisfy(after.contains)
    }

    static func file(for image: String, context: StepContext) async -> URL? {
        guard let gitDirectory = await context.git.gitDirectory() else { return nil }
        let safe = String(image.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        return gitDirectory.appendingPathComponent("workflows/passed/\(safe).json")
    }

    static func store(context: StepContext) async {
        let image = context.settings.image
        // The commit the image was built from is its own label, not whatever HEAD is by now.
        let format = "{{.Id}} {{index .Config.Labels \"commit\"}}"
        guard let file = await file(for: image, context: context),
            let answer = try? await context.docker.query(["image", "inspect", "--format", format, image]),
            answer.succeeded, case let fields = answer.outputText.split(separator: " ").map(String.init),
            fields.count == 2, fields[1] != "unknown"
        else {
            context.console.warning(
                "The passing image is not recorded (not a git repository, or the image has no commit label): "
                    + "publish_image will refuse it.")
            return
        }
        let entry = Entry(image: image, imageID: fields[0], commit: fields[1], recordedAt: BuildImage.rfc3339(Date()))
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONEncoder().encode(entry).write(to: file, options: .atomic)
            context.console.info("Recorded: \(image) (\(entry.imageID.prefix(19))) passed for commit \(entry.commit.prefix(12)).")
        } catch {
            context.console.warning("Could not record the passing image in \(file.path): \(error.localizedDescription)")
        }
    }

    static func load(image: String, context: StepContext) async -> Entry? {
        guard let file = await file(for: image, context: context), let data = try? Data(contentsOf: file) else {
            return nil
        }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }
}
