// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "workflows",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "workflows", targets: ["workflows"])
    ],
    targets: [
        .target(name: "WorkflowsKit"),
        .executableTarget(name: "workflows", dependencies: ["WorkflowsKit"]),
        .testTarget(
            name: "WorkflowsKitTests",
            dependencies: ["WorkflowsKit"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WorkflowsKit", "workflows"]
        ),
    ]
)
