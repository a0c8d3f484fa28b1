/// The run's settings: each option's flag wins over its environment variable, which wins over the default.
struct Settings: Sendable, Equatable {
    var image: String
    var healthTimeoutSeconds: Double
    var docker: String
    var publishRepository: String?
    var dryRun: Bool
    var allowUnverifiedImage: Bool
    var latestBranches: [String]
    var registryUser: String?
    var registryPassword: String?
    /// Where report.json and junit.xml go; nil: no reports.
    var reportDirectory: String? = nil
    /// `clean --images`: also the dangling images of earlier builds of the image.
    var cleanImages: Bool = false
    /// `clean --caches`: also the gate tools' caches.
    var cleanCaches: Bool = false
    /// `clean --build-cache`: also the engine's build cache (BuildKit's), shared with the user's own builds.
    var cleanBuildCache: Bool = false

    static let defaultLatestBranches = ["main", "master"]
}

/// One option of the command line, and the variable it can also come from.
struct OptionSpec: Sendable {
    enum Value: Sendable { case text, flag }

    var flag: String
    var variable: String?
    var value: Value
    var help: String

    static let image = OptionSpec(
        flag: "--image", variable: "WORKFLOWS_IMAGE", value: .text,
        help: "the image to build, assess and publish (default: the project's, see show_project)")
    static let healthTimeout = OptionSpec(
        flag: "--health-timeout", variable: "WORKFLOWS_HEALTH_TIMEOUT", value: .text,
        help: "seconds assess_image_health waits for healthy (default: the project's health.timeout, else 60)")
    static let publishRepository = OptionSpec(
        flag: "--publish-repository", variable: "WORKFLOWS_PUBLISH_REPOSITORY", value: .text,
        help: "where publish_image pushes, e.g. ghcr.io/owner/app (default from GITHUB_REPOSITORY or origin)")
    static let dryRun = OptionSpec(
        flag: "--dry-run", variable: nil, value: .flag,
        help: "publish_image and clean: print what would be pushed or removed, change nothing")
    static let reportDirectory = OptionSpec(
        flag: "--report-dir", variable: "WORKFLOWS_REPORT_DIR", value: .text,
        help: "write the reports there (default on GitHub, GitLab, Azure, Jenkins: see docs/reports.md)")
    static let cleanImages = OptionSpec(
        flag: "--images", variable: nil, value: .flag,
        help: "clean: also the dangling images of earlier builds of the image")
    static let cleanCaches = OptionSpec(
        flag: "--caches", variable: nil, value: .flag, help: "clean: also the gate tools' volumes (tools, seals, shared caches)")
    static let cleanBuildCache = OptionSpec(
        flag: "--build-cache", variable: nil, value: .flag,
        help: "clean: also the engine's build cache (BuildKit's; shared with your other builds)")
    static let allowUnverifiedImage = OptionSpec(
        flag: "--allow-unverified-image", variable: nil, value: .flag,
        help: "publish_image: push even an image that did not pass quality_pipeline for HEAD")

    static let all: [OptionSpec] = [
        image, healthTimeout, publishRepository, reportDirectory, dryRun, allowUnverifiedImage, cleanImages,
        cleanCaches, cleanBuildCache,
    ]
}
