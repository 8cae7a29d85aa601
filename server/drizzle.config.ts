import { defineConfig } from 'drizzle-kit';

// The central store's migrations: PostgreSQL (PGlite runs the same SQL). `npm run server:db:generate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/db/schema.ts',
  out: './server/drizzle',
});
