// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "workflows",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "workflows", targets: ["workflows"]),
        .executable(name: "toml-decoder", targets: ["toml-decoder"]),
    ],
    targets: [
        /// A TOML 1.0.0 decoder: pyproject.toml, workflows.toml, ruff.toml.
        .target(name: "TOML"),
        /// The YAML subset of .pre-commit-config.yaml and compose.yaml, with errors at file:line:column.
        .target(name: "YAML"),
        /// The Linux pidfd system calls, as system calls: glibc's wrappers exist only since 2.36.
        .target(name: "CSystemCalls"),
        .target(name: "WorkflowsKit", dependencies: ["TOML", "YAML", "CSystemCalls"]),
        .executableTarget(name: "workflows", dependencies: ["WorkflowsKit"]),
        /// toml-test's decoder interface over the TOML target (scripts/toml-test.sh runs the suite).
        .executableTarget(name: "toml-decoder", dependencies: ["TOML"]),
        /// What the test targets share: fake repositories and sample Python projects.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(
            name: "WorkflowsKitTests",
            dependencies: ["WorkflowsKit", "TOML", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WorkflowsKit", "TestSupport", "workflows"]
        ),
    ]
)
