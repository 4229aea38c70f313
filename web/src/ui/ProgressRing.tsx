import { permille } from './units.ts';

export interface ProgressRingProps {
  counted: string | undefined;
  required: string | undefined;
  unit?: string | undefined;
  size?: number;
}

/** counted / required as a ring; the numbers are the server's strings, shown as sent. */
export function ProgressRing({ counted, required, unit, size = 96 }: ProgressRingProps) {
  const fill = permille(counted, required);
  const stroke = 10;
  const radius = (size - stroke) / 2;
  const circumference = 2 * Math.PI * radius;
  const label =
    fill === undefined ? 'No CE requirement' : `${counted} of ${required}${unit ? ` ${unit}` : ''} counted`;
  return (
    <svg
      className="ring"
      width={size}
      height={size}
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <circle
        className="ring-track"
        cx={size / 2}
        cy={size / 2}
        r={radius}
        strokeWidth={stroke}
        fill="none"
      />
      {fill !== undefined && (
        <circle
          className={fill >= 1000 ? 'ring-fill ring-full' : 'ring-fill'}
          cx={size / 2}
          cy={size / 2}
          r={radius}
          strokeWidth={stroke}
          fill="none"
          strokeDasharray={`${(circumference * fill) / 1000} ${circumference}`}
          transform={`rotate(-90 ${size / 2} ${size / 2})`}
          strokeLinecap={fill > 0 ? 'round' : 'butt'}
        />
      )}
      <text x="50%" y="47%" textAnchor="middle" className="ring-value">
        {fill === undefined ? '—' : counted}
      </text>
      {fill !== undefined && (
        <text x="50%" y="66%" textAnchor="middle" className="ring-of">
          of {required}
          {unit ? ` ${unit}` : ''}
        </text>
      )}
    </svg>
  );
}
