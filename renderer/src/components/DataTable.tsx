/**
 * A service-screen table: scrollable by keyboard (the wrapper takes focus), named by a heading,
 * with a header row of column titles. The caller gives the body rows.
 */
import type { ReactNode } from 'react';

export function DataTable({ labelledBy, columns, children }: { labelledBy: string; columns: readonly string[]; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} aria-labelledby={labelledBy}>
      <table className="journal">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
