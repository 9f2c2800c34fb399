// Run as `node loadLlama.mjs <node-llama-cpp entry>`: loads that node-llama-cpp's prebuilt CPU binary
// the way the runtime child process does (never a source build) and prints what it loaded as JSON.
// A script file, not `node -e`: node-llama-cpp tests its binary in a child that inherits execArgv.
const {getLlama} = await import(process.argv[2]);
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
console.log(JSON.stringify({gpu: llama.gpu, llamaCpp: llama.llamaCppRelease.release}));
await llama.dispose();
