import { EventEmitter } from 'node:events';

/** A writable that reports a terminal (isTTY, size) and keeps what is written; what ora and ink call on one. */
export class FakeTty extends EventEmitter {
  isTTY = true;
  text = '';
  constructor(
    public columns = 120,
    public rows = 40,
  ) {
    super();
  }
  write = (chunk: string) => {
    this.text += chunk;
    return true;
  };
  cursorTo = () => true;
  moveCursor = () => true;
  clearLine = () => true;
}
