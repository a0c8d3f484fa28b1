import Foundation

/// Which image passed the whole quality pipeline for which commit, kept in the repository's git folder so
/// that a later `publish_image` (another invocation, same machine and engine) can check it.
enum PassRecord {
    struct Entry: Codable, Sendable, Equatable {
        var image: String
        var imageID: String
        var commit: String
        var recordedAt: String
    }

    static let pipeline = ["build_ci_image", "assess_image_code", "assess_image_health"]

    /// True when the last build of the steps that ran was `build_ci_image` and both assessments followed it:
    /// a later build replaces the image that was assessed.
    static func covers(_ steps: [String]) -> Bool {
        let builds: Set<String> = ["build_ci_image", "build_dev_image"]
        guard let lastBuild = steps.lastIndex(where: builds.contains), steps[lastBuild] == pipeline[0] else {
            return false
        }
        let after = steps[steps.index(after: lastBuild)...]
        return pipeline.dropFirst().allSatisfy(after.contains)
    }

    /// The image that passed the whole pipeline in this run: the one `build_ci_image` built, when both
    /// assessments since assessed that very ID (not whatever the name pointed at by then).
    static func passedImage(_ passed: [(step: String, imageID: String?)]) -> String? {
        guard covers(passed.map(\.step)), let build = passed.lastIndex(where: { $0.step == pipeline[0] }),
            let built = passed[build].imageID
        else { return nil }
        let assessed = passed[build...].filter { pipeline.dropFirst().contains($0.step) }
        return assessed.allSatisfy({ $0.imageID == built }) ? built : nil
    }

    static func file(for image: String, git: Git) async -> URL? {
        guard let gitDirectory = await git.gitDirectory() else { return nil }
        let safe = String(image.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        return gitDirectory.appendingPathComponent("workflows/passed/\(safe).json")
    }

    static func store(imageID: String, image: String, docker: any ContainerEngine, git: Git, console: Console) async {
        // The commit the image was built from is its own label, not whatever HEAD is by now.
        let labels = (try? await docker.inspectImage(imageID))??.labels ?? [:]
        guard let file = await file(for: image, git: git), let commit = labels["commit"], commit != "unknown",
            labels["workflows.tree"] == "clean"
        else {
            let why = labels["workflows.tree"] == "unknown"
                ? "git could not tell whether its working tree was clean (workflows.tree=unknown)"
                : "it was built outside a git repository or from uncommitted changes"
            console.warning("\(image) passed, but is not recorded as publishable: \(why). publish_image will refuse it.")
            return
        }
        let entry = Entry(image: image, imageID: imageID, commit: commit, recordedAt: BuildImage.rfc3339(Date()))
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONEncoder().encode(entry).write(to: file, options: .atomic)
            console.info(
                "Recorded: \(image) (\(imageID.prefix(19))) passed for commit \(entry.commit.prefix(12)).")
        } catch {
            console.warning("Could not record the passing image in \(file.path): \(error.localizedDescription)")
        }
    }

    static func load(image: String, git: Git) async -> Entry? {
        guard let file = await file(for: image, git: git), let data = try? Data(contentsOf: file) else {
            return nil
        }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }
}
