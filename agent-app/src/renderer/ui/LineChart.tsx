/** Lines over evenly spaced categories (days), with a dot per value. */
import { ChartFrame, type ChartProps } from './ChartFrame.tsx';

export function LineChart(props: ChartProps) {
  const max = Math.max(0, ...props.series.flatMap((s) => s.values));
  const n = props.categories.length;
  return (
    <ChartFrame props={props} maxValue={max} slotWidth={(w) => (n > 0 ? w / n : w)}>
      {(plot) => {
        const slot = plot.plotWidth / Math.max(1, n);
        const x = (i: number) => (i + 0.5) * slot;
        const r = slot >= 8 ? 3 : 2;
        return props.series.map((s) => (
          <g key={s.key} data-series={s.key}>
            <polyline
              points={s.values.map((v, i) => `${x(i)},${plot.y(v)}`).join(' ')}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              strokeLinejoin="round"
            />
            {s.values.map((v, i) => (
              <circle
                key={props.categoryKeys[i] ?? i}
                cx={x(i)}
                cy={plot.y(v)}
                r={r}
                fill={s.color}
                data-series={s.key}
                data-category={props.categoryKeys[i]}
                data-value={v}
              >
                <title>{`${props.categories[i] ?? ''} · ${s.label}: ${props.formatValue(v)}`}</title>
              </circle>
            ))}
          </g>
        ));
      }}
    </ChartFrame>
  );
}
