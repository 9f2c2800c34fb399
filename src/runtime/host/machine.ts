// The machine's accelerators as llama.cpp sees them, for choosing a default model that fits VRAM.
import type {LoadParams, MachineInfo} from "../protocol";
import {sharedLlama} from "./engines/llamaInstance";

export async function describeMachine(gpu: LoadParams["gpu"]): Promise<MachineInfo> {
    const llama = await sharedLlama(gpu);
    if (llama.gpu === false) return {gpu: false, gpuDevices: [], vramTotalBytes: 0, vramFreeBytes: 0, unifiedMemory: false};
    const [vram, devices] = await Promise.all([llama.getVramState(), llama.getGpuDeviceNames()]);
    return {gpu: llama.gpu, gpuDevices: devices, vramTotalBytes: vram.total, vramFreeBytes: vram.free, unifiedMemory: vram.unifiedSize > 0};
}
