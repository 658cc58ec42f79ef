import CoreCLI

await HaetaeCore.start()
