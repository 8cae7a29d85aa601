import type { Team } from '../../../../../src-shared/contracts/admin';

/** The teams as checkboxes in a named group; the value is the chosen teams' ids. */
export function TeamChoices({ teams, value, onChange, legend = 'Teams' }: { teams: Team[]; value: string[]; onChange(ids: string[]): void; legend?: string }) {
  return (
    <fieldset className="fieldset admin__teams">
      <legend>{legend}</legend>
      {teams.length === 0 && <p className="muted">No teams yet: create one under New team.</p>}
      {teams.map((team) => (
        <label key={team.id} className="check">
          <input
            type="checkbox"
            checked={value.includes(team.id)}
            onChange={(e) => onChange(e.target.checked ? [...value, team.id] : value.filter((id) => id !== team.id))}
          />
          {team.name}
        </label>
      ))}
    </fieldset>
  );
}
