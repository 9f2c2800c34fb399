export * from "./constants";
export * from "./errors";
export * from "./reader";
export * from "./metadata";
export * from "./modelFacts";
export * from "./controlCharacters";
export * from "./nativeAborts";
