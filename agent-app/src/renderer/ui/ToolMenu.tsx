/**
 * A toolbar drop-down: a `<details>` whose summary is a button and whose panel closes once
 * an entry is picked. The panel's content gets `close` to call after its action.
 */
import { useCallback, useRef, type ReactNode } from 'react';

export interface ToolMenuProps {
  label: ReactNode;
  testId: string;
  title?: string;
  children: (close: () => void) => ReactNode;
}

export function ToolMenu({ label, testId, title, children }: ToolMenuProps) {
  const menu = useRef<HTMLDetailsElement>(null);
  const close = useCallback(() => {
    if (menu.current) menu.current.open = false;
  }, []);
  return (
    <details className="keys-menu" data-testid={testId} ref={menu}>
      <summary className="button" title={title}>
        {label}
      </summary>
      <div className="keys-panel" role="menu">
        {children(close)}
      </div>
    </details>
  );
}
