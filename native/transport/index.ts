export type { ByteStream, CloseInfo } from './types.js';
export { SerialStream, STANDARD_BAUD_RATES, type SerialOptions } from './serial.js';
export { TcpStream, type TcpOptions } from './tcp.js';
export { MemoryStream, memoryPair } from './memory.js';
