// drizzle-kit configuration: `npx drizzle-kit generate --config src/store/drizzle.config.ts`
// writes the next migration into src/store/migrations from src/store/schema.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/store/schema.ts', './src/store/schema-auth.ts'],
  out: './src/store/migrations',
});
